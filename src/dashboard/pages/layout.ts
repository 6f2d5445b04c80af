/** The page shell: head with c8s's own assets, the navigation, who is signed in, the logout form. */
import type { Assets } from "../assets.ts";
import type { Viewer } from "../context.ts";
import { html, jsonAttr, type Html } from "../html.ts";

export interface Shell {
  assets: Assets;
  viewer: Viewer | undefined;
  title: string;
  /** The navigation entry to mark current. */
  section?: "runs" | "sandboxes";
  /** Extra stylesheet (the terminal's). */
  styles?: string[];
}

export function csrfField(viewer: Viewer): Html {
  return html`<input type="hidden" name="_csrf" value="${viewer.session.csrf}" />`;
}

export function layout(shell: Shell, body: Html): Html {
  const { assets, viewer, title } = shell;
  const nav = (href: string, name: "runs" | "sandboxes", text: string) =>
    html`<a href="${href}" ${shell.section === name ? html`aria-current="page"` : ""}>${text}</a>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href="data:," />
        <meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}' />
        <title>${title} · c8s</title>
        <link rel="stylesheet" href="${assets.url("dashboard.css")}" />
        ${(shell.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}" />`)}
        <script src="${assets.url("htmx.min.js")}" defer></script>
        <script type="module" src="${assets.url("dashboard.js")}"></script>
      </head>
      <body ${viewer ? html`hx-headers='${jsonAttr({ "x-c8s-csrf": viewer.session.csrf })}'` : ""}>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">c8s</a>
          ${
            viewer
              ? html`<nav aria-label="Main">
                    ${nav("/runs", "runs", "Runs")} ${nav("/sandboxes", "sandboxes", "Sandboxes")}
                  </nav>
                  <div class="who">
                    <span title="token ${viewer.principal.tokenId}"
                      >${viewer.principal.name} · ${viewer.principal.role} · team ${viewer.principal.teamId}</span
                    >
                    <form method="post" action="/logout">
                      ${csrfField(viewer)}<button type="submit" class="link">Sign out</button>
                    </form>
                  </div>`
              : ""
          }
        </header>
        <main id="main">${body}</main>
      </body>
    </html>`;
}

export function errorPage(shell: Shell, status: number, heading: string, message: string): Html {
  return layout(
    shell,
    html`<section class="error-page">
      <h1>${status} — ${heading}</h1>
      <p>${message}</p>
      <p><a href="/runs">Back to the runs</a></p>
    </section>`,
  );
}
