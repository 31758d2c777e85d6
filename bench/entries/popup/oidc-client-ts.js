// oidc-client-ts's popup callback page, as its docs write it: a UserManager that passes
// the answer to the opener (signinPopupCallback).
import { UserManager } from 'oidc-client-ts';

new UserManager({ authority: location.origin, client_id: 'c', redirect_uri: location.href }).signinPopupCallback();
