// A page with no bundler: the package unpacked under node_modules/, imported by path.
import * as bankLink from "./node_modules/bank-link/pkg/index.js";
import * as relay from "./node_modules/bank-link/pkg/relay.js";
import { roundTrip } from "./consumer.js";

roundTrip(bankLink, relay);
