import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "All containers" };

export default async function Page() {
  await requirePageAdmin();
  return (
    <>
      <PageHeader title="All containers" description="Every container across hardware nodes." />
      <EmptyState title="Nothing here yet">This page is filled by the admin console work (issue 7).</EmptyState>
    </>
  );
}
