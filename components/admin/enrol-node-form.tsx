"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import { enrolNodeAction, testNodeConnectionAction } from "@/app/(admin)/admin/nodes/new/actions";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage, formError } from "@/components/ui/form-message";
import { CheckboxField, SelectField, TextareaField } from "./form-controls";
import { NodeFacts, type FactsView } from "./node-facts";

type Region = { id: string; name: string; isDefault: boolean; subnetPool: string };
type TestResult = { hostKey: { type: string; fingerprint: string } | null; facts: FactsView };
const CONNECTION_FIELDS = new Set([
  "name",
  "engine",
  "transport",
  "sshHost",
  "sshPort",
  "sshUser",
  "sshPrivateKey",
  "lxcPath",
]);

export function EnrolNodeForm({ regions }: { regions: Region[] }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  // Submitted by hand (not <form action>) so a refused enrolment keeps every field, the key included.
  const [state, setState] = useState<Awaited<ReturnType<typeof enrolNodeAction>> | null>(null);
  const [enrolling, startEnrol] = useTransition();
  const [testing, startTest] = useTransition();
  const [test, setTest] = useState<TestResult | null>(null);
  const [testError, setTestError] = useState<{ error: string; fieldErrors?: Record<string, string[]> } | null>(null);
  const [engine, setEngine] = useState("lxc");
  const [transport, setTransport] = useState("ssh");

  useEffect(() => {
    if (state?.ok) router.push(`/admin/nodes/${state.data.id}`);
  }, [state, router]);

  const runTest = () =>
    startTest(async () => {
      const result = await testNodeConnectionAction(new FormData(form.current!));
      if (result.ok) {
        setTest(result.data);
        setTestError(null);
      } else {
        setTest(null);
        setTestError({ error: result.error, fieldErrors: result.fieldErrors });
      }
    });

  const errors: Errors = {
    ...(testError?.fieldErrors ?? {}),
    ...(state && !state.ok ? (state.fieldErrors ?? {}) : {}),
  };
  const ssh = transport === "ssh";
  return (
    <form
      ref={form}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startEnrol(async () => setState(await enrolNodeAction(null, data)));
      }}
      className="flex max-w-3xl flex-col gap-6"
      onChange={(e) => {
        // A changed connection invalidates the tested facts and the fingerprint shown for them.
        if (CONNECTION_FIELDS.has((e.target as unknown as { name?: string }).name ?? "")) setTest(null);
      }}
    >
      <FormMessage error={formError(state)} success={state?.ok ? `Node ${state.data.name} enrolled.` : null} />
      <NodeFieldset
        regions={regions}
        engine={engine}
        transport={transport}
        onEngine={(value) => {
          setEngine(value);
          if (value === "sim") setTransport("local");
        }}
        onTransport={setTransport}
        errors={errors}
      />
      {ssh && <SshFieldset errors={errors} />}
      {engine === "lxc" && <LxcFieldset errors={errors} />}
      <CapacityFieldset errors={errors} />
      <ConnectionTest test={test} testError={testError} testing={testing} onTest={runTest} ssh={ssh} errors={errors} />

      <div>
        <Button type="submit" pending={enrolling || state?.ok}>
          {enrolling ? "Enrolling…" : "Enrol node"}
        </Button>
      </div>
    </form>
  );
}

type Errors = Record<string, string[] | undefined>;

function NodeFieldset(o: {
  regions: Region[];
  engine: string;
  transport: string;
  onEngine: (engine: string) => void;
  onTransport: (transport: string) => void;
  errors: Errors;
}) {
  const { regions, errors } = o;
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <legend className="mb-2 text-sm font-semibold">Node</legend>
      <Field
        label="Name"
        name="name"
        required
        autoComplete="off"
        errors={errors.name}
        hint="A DNS label, e.g. hn-2. Unique."
      />
      <SelectField
        label="Region"
        name="regionId"
        defaultValue={regions.find((r) => r.isDefault)?.id}
        errors={errors.regionId}
      >
        {regions.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
            {r.isDefault ? " (default)" : ""} · pool {r.subnetPool}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Engine"
        name="engine"
        value={o.engine}
        onChange={(e) => o.onEngine(e.target.value)}
        errors={errors.engine}
      >
        <option value="lxc">LXC</option>
        <option value="virtuozzo">Virtuozzo (prlctl)</option>
        <option value="sim">Simulated (in memory, for capacity planning)</option>
      </SelectField>
      <SelectField
        label="Transport"
        name="transport"
        value={o.transport}
        onChange={(e) => o.onTransport(e.target.value)}
        errors={errors.transport}
      >
        <option value="ssh">SSH</option>
        <option value="local">Local (this machine)</option>
      </SelectField>
    </fieldset>
  );
}

function SshFieldset({ errors }: { errors: Errors }) {
  return (
    <fieldset className="grid gap-4 sm:grid-cols-3">
      <legend className="mb-2 text-sm font-semibold">SSH connection</legend>
      <Field label="Host" name="sshHost" autoComplete="off" errors={errors.sshHost} placeholder="10.0.0.12" />
      <Field label="Port" name="sshPort" inputMode="numeric" defaultValue="22" errors={errors.sshPort} />
      <Field label="User" name="sshUser" defaultValue="root" autoComplete="off" errors={errors.sshUser} />
      <div className="sm:col-span-3">
        <TextareaField
          label="Private key"
          name="sshPrivateKey"
          rows={6}
          spellCheck={false}
          autoComplete="off"
          errors={errors.sshPrivateKey}
          hint="OpenSSH or PEM. Stored encrypted (AES-256-GCM); never shown or logged."
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
        />
      </div>
    </fieldset>
  );
}

function LxcFieldset({ errors }: { errors: Errors }) {
  return (
    <fieldset className="grid gap-4 sm:grid-cols-3">
      <legend className="mb-2 text-sm font-semibold">LXC network and storage</legend>
      <Field
        label="LXC path"
        name="lxcPath"
        autoComplete="off"
        errors={errors.lxcPath}
        hint="Default /var/lib/hostplane/lxc/<name>."
      />
      <Field
        label="Bridge"
        name="bridge"
        autoComplete="off"
        errors={errors.bridge}
        hint="Default hp-<name>, at most 15 characters."
      />
      <Field
        label="Subnet (/24)"
        name="subnet"
        autoComplete="off"
        errors={errors.subnet}
        hint="Default: next free /24 of the region's pool."
      />
    </fieldset>
  );
}

function CapacityFieldset({ errors }: { errors: Errors }) {
  return (
    <fieldset className="grid gap-4 sm:grid-cols-3">
      <legend className="mb-2 text-sm font-semibold">
        Capacity overrides <span className="font-normal text-slate-500">(empty = probed)</span>
      </legend>
      <Field label="RAM (MiB)" name="ramMib" inputMode="numeric" errors={errors.ramMib} />
      <Field label="CPU cores" name="cores" inputMode="numeric" errors={errors.cores} />
      <Field label="MHz per core" name="mhzPerCore" inputMode="numeric" errors={errors.mhzPerCore} />
      <Field label="Disk (GiB)" name="diskGib" inputMode="numeric" errors={errors.diskGib} />
      <Field
        label="Max containers"
        name="maxContainers"
        inputMode="numeric"
        errors={errors.maxContainers}
        hint="Default 100."
      />
      <Field
        label="Overcommit ratio"
        name="overcommitRatio"
        inputMode="decimal"
        errors={errors.overcommitRatio}
        hint="1.0 = dynamic limits never exceed RAM."
      />
      <div className="sm:col-span-3">
        <Field
          label="Labels"
          name="labels"
          autoComplete="off"
          errors={errors.labels}
          hint="key=value, comma separated, e.g. zone=a, disk=ssd."
        />
      </div>
    </fieldset>
  );
}

/** Probes the node before saving; for SSH shows the host key fingerprint the admin must confirm. */
function ConnectionTest(o: {
  test: TestResult | null;
  testError: { error: string } | null;
  testing: boolean;
  onTest: () => void;
  ssh: boolean;
  errors: Errors;
}) {
  const { test, testError, testing, ssh, errors } = o;
  return (
    <section
      aria-labelledby="test-h"
      aria-live="polite"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="test-h" className="text-sm font-semibold">
          Connection test
        </h2>
        <Button type="button" variant="secondary" pending={testing} onClick={o.onTest}>
          {testing ? "Testing…" : "Test connection"}
        </Button>
      </div>
      {testError && <FormMessage error={testError.error} />}
      {!test && !testError && (
        <p className="text-sm text-slate-500">
          Probe the node before saving: engine version, CPU, RAM, disk, load{ssh ? " and its SSH host key" : ""}.
        </p>
      )}
      {test && (
        <div className="flex flex-col gap-4">
          <NodeFacts facts={test.facts} />
          {test.hostKey && (
            <div className="rounded-md bg-slate-50 p-3 dark:bg-slate-800/50">
              <p className="text-sm">Host key ({test.hostKey.type}) fingerprint:</p>
              <p className="my-1 break-all font-mono text-sm" data-testid="host-key-fingerprint">
                {test.hostKey.fingerprint}
              </p>
              <p className="mb-2 text-xs text-slate-500">
                Compare it with the node&apos;s own: <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>
              </p>
              <input type="hidden" name="hostKeyFingerprint" value={test.hostKey.fingerprint} />
              <CheckboxField
                name="confirmFingerprint"
                label="I confirm this fingerprint"
                errors={errors.confirmFingerprint ?? errors.hostKeyFingerprint}
              />
            </div>
          )}
        </div>
      )}
      {!test && ssh && (errors.hostKeyFingerprint || errors.confirmFingerprint) && (
        <p role="alert" className="mt-2 text-xs text-red-600 dark:text-red-400">
          {(errors.hostKeyFingerprint ?? errors.confirmFingerprint)!.join(" ")}
        </p>
      )}
    </section>
  );
}
