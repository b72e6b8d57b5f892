// How every long-running container of the stack is run: restarted unless stopped, and reported created only once
// its own healthcheck passes, so whatever depends on it starts against a service that answers.
import type * as docker from "@pulumi/docker";

type Running = Pick<docker.ContainerArgs, "healthcheck" | "wait" | "waitTimeout" | "restart">;

export function healthyAndRestarted(tests: string[], startPeriod = "2s"): Running {
  return {
    healthcheck: { tests, interval: "2s", timeout: "3s", startPeriod, retries: 30 },
    wait: true,
    waitTimeout: 120,
    restart: "unless-stopped",
  };
}
