"use client";
import { Dialog } from "./dialog";

/** A side panel: a modal Dialog anchored to the right edge (full width on a phone). */
export function Drawer(props: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: string;
  children: React.ReactNode;
}) {
  return <Dialog {...props} side />;
}
