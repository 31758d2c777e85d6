// A bundled app: the package as npm installs it, by its name. Vite (7 and 8), webpack and
// esbuild all build this file; only their own folder says how they load it.
import * as bankLink from "bank-link";
import * as relay from "bank-link/relay";
import { roundTrip } from "./consumer.js";

roundTrip(bankLink, relay);
