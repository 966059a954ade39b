"use client";
import { useState } from "react";
import { Tabs } from "@/components/ui/tabs";
import type { DeployLayerView } from "@/lib/validation/deploys";
import type { VariableScopeView } from "@/lib/validation/variables";
import { DeploysCard } from "./deploys-card";
import { LogsCard } from "./logs-card";
import { VariablesCard } from "./variables-card";

/** The application side of an environment: releases (and the Deploy dialog), variables, logs. */
export function AppTabs(props: {
  environmentId: string;
  deploys: DeployLayerView[];
  variables: VariableScopeView[];
  logs: boolean;
}) {
  const tabs = [
    ...(props.deploys.length ? [{ id: "releases", label: "Releases" }] : []),
    ...(props.variables.length ? [{ id: "variables", label: "Variables" }] : []),
    ...(props.logs ? [{ id: "logs", label: "Logs" }] : []),
  ];
  const [tab, setTab] = useState(tabs[0]?.id ?? "");
  if (tabs.length === 0) return null;
  return (
    <div className="mb-4">
      <Tabs label="Application" value={tab} onChange={setTab} tabs={tabs}>
        {tab === "releases" && <DeploysCard environmentId={props.environmentId} layers={props.deploys} />}
        {tab === "variables" && <VariablesCard environmentId={props.environmentId} scopes={props.variables} />}
        {tab === "logs" && <LogsCard environmentId={props.environmentId} />}
      </Tabs>
    </div>
  );
}
