// bank-link's popup callback page: bank-link/relay, which hands the answer to the opener
// without loading the library (it imports the library dynamically only when no popup of
// ours is waiting: the bank's app opened the page in a new tab).
import { handleCallback } from '../../../pkg/relay.js';

handleCallback();
