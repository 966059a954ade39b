import { AppShell } from "@/components/shell/app-shell";
import { LiveFeedProvider } from "@/components/live/live-feed";
import { ToastProvider } from "@/components/ui/toast";
import { requirePageUser } from "@/lib/auth/session";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageUser();
  return (
    <ToastProvider>
      <LiveFeedProvider>
        <AppShell user={user}>{children}</AppShell>
      </LiveFeedProvider>
    </ToastProvider>
  );
}
