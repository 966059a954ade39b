// Environments: the creation wizard (name check, placement preview, create) and the environment
// page's changes. Services check ownership in their queries; another user's id is NOT_FOUND.
import { isEnvironmentNameTaken } from "@/lib/db/environments";
import * as ops from "@/lib/services/environment-ops";
import * as environments from "@/lib/services/environments";
import * as ingress from "@/lib/services/ingress";
import * as domains from "@/lib/services/custom-domains";
import * as tcpEndpoints from "@/lib/services/tcp-endpoints";
import * as deploys from "@/lib/services/deploys";
import { ZDeployGit, ZDeployKey, ZDeployRelease, ZDeploySettings } from "@/lib/validation/deploys";
import * as variables from "@/lib/services/variables";
import { ZSaveVariables } from "@/lib/validation/variables";
import { ZAddTcpEndpointInput, ZRemoveTcpEndpointInput } from "@/lib/validation/endpoints";
import {
  ZCheckNameInput,
  ZCreateEnvironmentRequest,
  ZDeleteEnvironmentInput,
  ZDnsLabel,
  ZLifecycleTarget,
  ZResizeLayerInput,
  ZRetryOperationInput,
  ZScaleLayerInput,
  ZAddCustomDomainInput,
  ZRemoveCustomDomainInput,
  ZSetHttpsRedirectInput,
  ZSetRunningInput,
} from "@/lib/validation/environments";
import { defineAction, spreadInput } from "./define";

export type PlacementPreview = {
  ok: boolean;
  message: string | null;
  placements: { layer: string; ordinal: number; node: string | null }[];
  rejections: { node: string; reasons: string[] }[];
};

/** The wizard's placement preview: the scheduler's explanation with the submit's seed; nothing is written. */
export const previewPlacement = defineAction({
  name: "environment.preview-placement",
  auth: "user",
  input: ZCreateEnvironmentRequest,
  run: async ({ actor, input: { idempotencyKey, ...input } }): Promise<PlacementPreview> => {
    const explained = await environments.previewPlacement({ actor, input, requestId: `${actor.id}:${idempotencyKey}` });
    const names = new Map(explained.steps.flatMap((s) => s.nodes.map((n) => [n.nodeId, n.nodeName] as const)));
    const placements = explained.steps.map((s) => ({
      layer: s.layerId,
      ordinal: s.ordinal,
      node: s.nodeId ? (names.get(s.nodeId) ?? s.nodeId) : null,
    }));
    const result = explained.result;
    if (result.ok) return { ok: true, message: null, placements, rejections: [] };
    const rejections = result.rejections.map((r) => ({ node: r.nodeName, reasons: r.reasons }));
    return { ok: false, message: result.message, placements, rejections };
  },
});

/** Name check as the user types: DNS-label rules, then unique among the caller's environments. */
export const checkName = defineAction({
  name: "environment.check-name",
  auth: "user",
  input: ZCheckNameInput,
  run: async ({ actor, input }) => {
    const label = ZDnsLabel.safeParse(input);
    if (!label.success) return { available: false, message: label.error.issues[0]?.message ?? "Invalid name." };
    const taken = await isEnvironmentNameTaken({ ownerId: actor.id, name: label.data });
    return { available: !taken, message: taken ? `You already have an environment named "${label.data}".` : null };
  },
});

/** Creates the environment; the idempotency key (one per wizard session) makes a double submit harmless. */
export const createEnvironment = defineAction({
  name: "environment.create",
  auth: "user",
  input: ZCreateEnvironmentRequest,
  run: async ({ actor, input: { idempotencyKey, ...input }, ip }) =>
    environments.createEnvironment({ actor, input, idempotencyKey: `${actor.id}:${idempotencyKey}`, ip }),
  // Nothing revalidated: the wizard goes on to the new environment's page (see deleteEnvironment).
});

const environmentPages = (input: { environmentId: string }) => [
  `/environments/${input.environmentId}`,
  "/environments",
];

export const setRunning = defineAction({
  name: "environment.set-running",
  auth: "user",
  input: ZSetRunningInput,
  run: spreadInput(ops.setEnvironmentRunning),
  revalidate: environmentPages,
});

export const restart = defineAction({
  name: "environment.restart",
  auth: "user",
  input: ZLifecycleTarget,
  run: ({ actor, input, ip }) => ops.restartTarget({ actor, target: input, ip }),
  revalidate: environmentPages,
});

export const scaleLayer = defineAction({
  name: "environment.scale",
  auth: "user",
  input: ZScaleLayerInput,
  run: ops.scaleLayer,
  revalidate: environmentPages,
});

export const resizeLayer = defineAction({
  name: "environment.resize",
  auth: "user",
  input: ZResizeLayerInput,
  run: ops.resizeLayer,
  revalidate: environmentPages,
});

export const deleteEnvironment = defineAction({
  name: "environment.delete",
  auth: "user",
  input: ZDeleteEnvironmentInput,
  run: spreadInput(ops.deleteEnvironment),
  // Nothing revalidated: the page that deletes leaves for the list at once. A revalidating action's
  // response renders the page being left again (730 ms instead of 100) and starts a navigation to it
  // that races the one to the list.
});

export const retryOperation = defineAction({
  name: "environment.retry",
  auth: "user",
  input: ZRetryOperationInput,
  run: spreadInput(ops.retryOperation),
  revalidate: environmentPages,
});

/** The ingress answers plain HTTP for this environment with a redirect to HTTPS (or stops doing so). */
export const setHttpsRedirect = defineAction({
  name: "environment.https-redirect",
  auth: "user",
  input: ZSetHttpsRedirectInput,
  run: spreadInput(ingress.setHttpsRedirect),
  revalidate: environmentPages,
});

/** Binds a domain (optionally with its own certificate) to the environment; unique platform-wide. */
export const addCustomDomain = defineAction({
  name: "environment.domain.add",
  auth: "user",
  input: ZAddCustomDomainInput,
  run: ({ actor, input, ip }) => domains.addCustomDomain({ actor, input, ip }),
  revalidate: environmentPages,
});

export const removeCustomDomain = defineAction({
  name: "environment.domain.remove",
  auth: "user",
  input: ZRemoveCustomDomainInput,
  run: spreadInput(domains.removeCustomDomain),
  revalidate: environmentPages,
});

/** Publishes a container port on a node port of the admin-set range (DNAT on the container's node). */
export const addTcpEndpoint = defineAction({
  name: "environment.endpoint.add",
  auth: "user",
  input: ZAddTcpEndpointInput,
  run: ({ actor, input, ip }) => tcpEndpoints.addTcpEndpoint({ actor, input, ip }),
  revalidate: environmentPages,
});

export const removeTcpEndpoint = defineAction({
  name: "environment.endpoint.remove",
  auth: "user",
  input: ZRemoveTcpEndpointInput,
  run: spreadInput(tcpEndpoints.removeTcpEndpoint),
  revalidate: environmentPages,
});

/** Rolls a layer back (or forward) to one of its kept releases: a rolling deploy like an upload's. */
export const deployRelease = defineAction({
  name: "layer.rollback",
  auth: "user",
  input: ZDeployRelease,
  run: spreadInput(deploys.deployKeptRelease),
  revalidate: environmentPages,
});

/** Deploys a branch, tag or commit of a Git repository to an application or static layer. */
export const deployGit = defineAction({
  name: "layer.deploy",
  auth: "user",
  input: ZDeployGit,
  run: spreadInput(deploys.deployGit),
  revalidate: environmentPages,
});

/** A layer's health-check path and deploy batch size. */
export const setDeploySettings = defineAction({
  name: "layer.deploy-settings",
  auth: "user",
  input: ZDeploySettings,
  run: spreadInput(deploys.setDeploySettings),
  revalidate: environmentPages,
});

/** The environment's deploy key (public half), generated on first request or replaced. */
export const deployKey = defineAction({
  name: "environment.deploy-key",
  auth: "user",
  input: ZDeployKey,
  run: spreadInput(deploys.environmentDeployKey),
  revalidate: environmentPages,
});

/** Replaces one scope's variables and rolls them out (a rolling restart of the affected layers). */
export const saveVariables = defineAction({
  name: "environment.variables",
  auth: "user",
  input: ZSaveVariables,
  run: spreadInput(variables.saveVariables),
  revalidate: environmentPages,
});
