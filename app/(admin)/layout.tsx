import { LiveFeedProvider } from "@/components/live/live-feed";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageAdmin } from "@/lib/auth/session";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageAdmin();
  return (
    <LiveFeedProvider>
      <AppShell user={user}>{children}</AppShell>
    </LiveFeedProvider>
  );
}
