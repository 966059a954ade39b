// The platform's unit of capacity (Jelastic's definition), in one place for the scheduler, the
// engines, the services and the UI: 1 cloudlet = 128 MiB RAM + 400 MHz CPU. No imports: safe for
// client components too.

export const CLOUDLET_RAM_MIB = 128;
export const CLOUDLET_CPU_MHZ = 400;
export const CLOUDLET_RAM_BYTES = CLOUDLET_RAM_MIB * 1024 * 1024;

/** RAM (MiB) and CPU (MHz) a number of cloudlets stands for. */
export function cloudletsToResources(cloudlets: number): { ramMib: number; cpuMhz: number } {
  return { ramMib: cloudlets * CLOUDLET_RAM_MIB, cpuMhz: cloudlets * CLOUDLET_CPU_MHZ };
}
