// What the login page says for an `?error=` it was sent back with: single
// sign-on refusals (src/server/auth/sso.ts) and next-auth's own flow errors.
const SSO_REFUSALS: Record<string, string> = {
  sso_no_email: "Your identity provider did not share an email address, so single sign-on cannot tell who you are. Ask an admin to include the email scope.",
  sso_unverified: "Your identity provider has not verified your email address, so it cannot sign you in here.",
  sso_domain: "Your email address is not in a domain allowed to sign in here. Ask an admin if you should have access.",
  sso_deactivated: "This account is deactivated. Ask an admin to reactivate it.",
  sso_not_invited: "There is no Throughline account for this email address yet. Ask an admin to add you.",
  sso_linked_elsewhere: "This email address is already linked to a different single sign-on account. Ask an admin.",
};

/** The message for an error code, or null for none. CredentialsSignin is answered by the form itself. */
export function signInErrorMessage(code: string | undefined): string | null {
  if (!code || code === "CredentialsSignin") return null;
  return SSO_REFUSALS[code] ?? "Single sign-on did not complete. Try again, or sign in with your password.";
}
