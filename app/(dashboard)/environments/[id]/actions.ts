"use server";
import * as environments from "@/lib/actions/environments";
import { serverActions } from "@/lib/actions/next";

export const {
  setRunningAction,
  restartAction,
  scaleLayerAction,
  resizeLayerAction,
  deleteEnvironmentAction,
  retryOperationAction,
  setHttpsRedirectAction,
  addCustomDomainAction,
  removeCustomDomainAction,
  addTcpEndpointAction,
  removeTcpEndpointAction,
  deployReleaseAction,
  deployGitAction,
  deployKeyAction,
  setDeploySettingsAction,
  saveVariablesAction,
} = serverActions(environments);
