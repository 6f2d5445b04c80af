/** Makes sure an image is on the engine: inspect, else pull with progress logged. */
import type Docker from "dockerode";
import { pullFailure, translateDockerError } from "./errors.ts";

export interface ImageLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

interface PullEvent {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
}

export async function ensureImage(
  docker: Docker,
  image: string,
  dockerHost: string,
  logger: ImageLogger | undefined,
): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) {
      throw translateDockerError(error, { action: `inspect image ${image}`, dockerHost });
    }
  }
  logger?.info("pulling image", { image });
  let lastStatus = "";
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: PullEvent) => {
          if (event.error !== undefined) return;
          const status = `${event.id ?? ""} ${event.status ?? ""}`.trim();
          if (status !== lastStatus) {
            lastStatus = status;
            logger?.info("image pull progress", {
              image,
              layer: event.id,
              status: event.status,
              progress: event.progress,
            });
          }
        },
      );
    });
  } catch (error) {
    throw pullFailure(image, error, dockerHost);
  }
  logger?.info("image pulled", { image });
}
