/** Makes sure an image is on the engine: inspect, else pull with progress logged. */
import type Docker from "dockerode";
import { pullFailure, translateDockerError } from "./errors.ts";

export interface ImageLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface PullEvent {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * The failure a pull's progress stream reports. Podman answers every pull 200 and streams
 * the failure (`{"error": …, "errorDetail": {"message": …}}`); dockerd does the same for a
 * failure after the pull began. The stream then simply ends: without this, a failed pull
 * would look like a finished one.
 */
export function pullEventError(event: PullEvent): string | undefined {
  const message = event.errorDetail?.message ?? event.error;
  return message === undefined || message === "" ? undefined : message;
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
  let streamed: string | undefined;
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          if (error) reject(error);
          else if (streamed !== undefined) reject(new Error(streamed));
          else resolve();
        },
        (event: PullEvent) => {
          const failed = pullEventError(event);
          if (failed !== undefined) {
            streamed ??= failed;
            return;
          }
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
