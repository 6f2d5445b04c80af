/** The sign-in page: paste a token once; the server answers with a session cookie. */
import type { Assets } from "../assets.ts";
import { html, type Html } from "../html.ts";
import { layout } from "./layout.ts";

export function loginPage(assets: Assets, next: string, problem: string | undefined): Html {
  return layout(
    { assets, viewer: undefined, title: "Sign in" },
    html`<section class="login">
      <h1>Sign in to c8s</h1>
      <p>
        Paste a c8s token (the admin token <code>c8s serve</code> printed, or one from <code>c8s token create</code>).
        It is checked once and not kept in the browser: you get a session cookie instead.
      </p>
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : ""}
      <form method="post" action="/login">
        <input type="hidden" name="next" value="${next}" />
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required autofocus />
        <button type="submit">Sign in</button>
      </form>
    </section>`,
  );
}

/** Where to go after signing in: a path of this server only (never `//host` or a URL). */
export function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 2000 ? value : "/runs";
}
