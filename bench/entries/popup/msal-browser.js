// msal-browser's popup redirect page (v5): the redirect bridge that broadcasts the
// response to the main frame.
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

broadcastResponseToMainFrame();
