"use client";
import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";

/**
 * After a client-side navigation, focus moves to the new page's heading (its <h1>, else <main>), so a
 * keyboard or screen-reader user starts reading the page they opened instead of the top of the body.
 * The first load is left alone: there the first Tab must reach the skip link.
 */
export function RouteFocus() {
  const pathname = usePathname();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let frames = 0;
    let handle = 0;
    const focus = () => {
      const main = document.getElementById("main");
      const heading = main?.querySelector<HTMLElement>("h1");
      // A page still streaming in has no heading yet: wait a little (at most ~1 s) for it.
      if (!heading && frames++ < 60) {
        handle = requestAnimationFrame(focus);
        return;
      }
      const target = heading ?? main;
      if (!target) return;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: false });
    };
    handle = requestAnimationFrame(focus);
    return () => cancelAnimationFrame(handle);
  }, [pathname]);
  return null;
}
