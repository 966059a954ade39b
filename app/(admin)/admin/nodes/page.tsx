import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requirePageAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Hardware nodes" };

export default async function Page() {
  await requirePageAdmin();
  return (
    <>
      <PageHeader title="Hardware nodes" description="Hosts running a container engine; enrolment and evacuation arrive with the admin console." />
      <EmptyState title="Nothing here yet">This page is filled by the admin console work (issue 7).</EmptyState>
    </>
  );
}
