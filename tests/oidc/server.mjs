// A real, OpenID Certified authorization server for the end-to-end suite: oidc-provider
// (npm, pinned in package.json), on loopback, with one public test client. The `oauth2`
// preset is proven against it (issue 27): authorization endpoint, PKCE S256, RFC 9207's
// `iss`, its own login, consent and error responses, and its token endpoint.
//
//   node tests/oidc/server.mjs --port 0 --redirect-uri http://127.0.0.1:8080/callback.html [--coop]
//
//   --port N          the port on 127.0.0.1 (0: a free one; the issuer names the real one)
//   --redirect-uri U  the test client's redirect URI (repeatable): the demo's callback page
//   --coop            every response carries Cross-Origin-Opener-Policy: same-origin
//   --exit-with-stdin stop when stdin closes (the e2e suite spawns it with a pipe as
//                     stdin: the server ends with the suite, even a killed one)
//
// Once it listens it prints one line of JSON, {"issuer":"http://127.0.0.1:PORT"}, and
// serves until SIGINT or SIGTERM (or, with --exit-with-stdin, the end of its stdin).
//
// DEVELOPMENT ONLY, never a production setup:
// - no `jwks`: oidc-provider signs ID tokens with its built-in quick-start keys, which
//   are public (it warns about them at start);
// - no `cookies.keys`: its cookies are unsigned;
// - the default in-memory adapter: grants, sessions and codes die with the process;
// - `features.devInteractions`: its built-in login page (any login and password is
//   accepted) and consent page, instead of an application's own;
// - plain http on 127.0.0.1 for the issuer and the redirect URI (loopback only; see below).
//
// What was configured, and why:
// - the client is public (`token_endpoint_auth_method: "none"`), as a browser app is:
//   bank-link refuses client secrets. oidc-provider requires PKCE for such clients by
//   default; `pkce.required` says so explicitly, and oidc-provider 9 accepts only S256.
// - http redirect URIs are allowed for `application_type: "web"` clients that use the
//   code flow (oidc-provider refuses them only for the implicit flow), so nothing needed
//   loosening there; the issuer is taken as given (http is fine for a loopback issuer).
// - the issuer is the origin without a trailing slash: RFC 9207's `iss` is sent exactly
//   as the issuer identifier, and bank-link compares `issuer` with it byte for byte.
// - oidc-provider 9 warns "Unsupported runtime" below Node.js 22 LTS; it runs on Node.js 20,
//   which the e2e cases prove by passing.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import Provider from "oidc-provider";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "redirect-uri": { type: "string", multiple: true, default: [] },
    coop: { type: "boolean", default: false },
    "exit-with-stdin": { type: "boolean", default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`oidc server: --port: not a port: ${values.port}`);
  process.exit(2);
}
if (values["redirect-uri"].length === 0) {
  console.error("oidc server: give the test client's redirect URI with --redirect-uri");
  process.exit(2);
}

// The test client: public, code flow with PKCE, the demo's callback as redirect URI.
const CLIENT_ID = "bank-link-demo";

// Listen first (port 0 picks one), then build the provider for the issuer it names.
const server = createServer();
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, "127.0.0.1", resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_name: "bank-link end-to-end suite",
      token_endpoint_auth_method: "none",
      application_type: "web",
      grant_types: ["authorization_code"],
      response_types: ["code"],
      redirect_uris: values["redirect-uri"],
    },
  ],
  pkce: { required: () => true },
  // Development-only (see above): the built-in login and consent pages.
  features: { devInteractions: { enabled: true } },
});

if (values.coop) {
  // A provider that isolates its pages: the popup it runs in loses `window.opener`.
  provider.use(async (ctx, next) => {
    ctx.set("Cross-Origin-Opener-Policy", "same-origin");
    await next();
  });
}

server.on("request", provider.callback());
// oidc-provider logs on stdout too: a reader that went away must not end the server.
process.stdout.on("error", () => {});
console.log(JSON.stringify({ issuer }));

const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
if (values["exit-with-stdin"]) {
  // The parent's end of the pipe closes when it exits, however it exits.
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
}
