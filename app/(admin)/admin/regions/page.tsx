import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Regions" };

export default async function Page() {
  await requirePageAdmin();
  return (
    <>
      <PageHeader title="Regions" description="Host groups; an environment lives in one region." />
      <EmptyState title="Nothing here yet">This page is filled by the admin console work (issue 7).</EmptyState>
    </>
  );
}
