// What the login page says for an `?error=` it was sent back with: single
// sign-on refusals (src/server/auth/sso.ts) and next-auth's own flow errors.
// Answers are message keys under pages.login.errors; the page translates them.
const SSO_REFUSALS: Record<string, string> = {
  sso_no_email: "ssoNoEmail",
  sso_unverified: "ssoUnverified",
  sso_domain: "ssoDomain",
  sso_deactivated: "ssoDeactivated",
  sso_not_invited: "ssoNotInvited",
  sso_linked_elsewhere: "ssoLinkedElsewhere",
};

/** The message key for an error code, or null for none. CredentialsSignin is answered by the form itself. */
export function signInErrorKey(code: string | undefined): string | null {
  if (!code || code === "CredentialsSignin") return null;
  return SSO_REFUSALS[code] ?? "ssoFailed";
}

/**
 * The credentials provider (src/server/auth/options.ts) refuses with English
 * sentences; the form shows them in the page's language. Unknown ones pass
 * through as they are.
 */
export function credentialsErrorMessage(error: string, t: (key: string, values?: Record<string, number>) => string): string {
  if (error === "CredentialsSignin" || error === "Wrong email or password.") return t("wrongCredentials");
  if (error === "Enter your email and password.") return t("missingCredentials");
  const wait = /^Too many failed attempts from this address\. Try again in (\d+) minutes?\.$/.exec(error);
  if (wait) return t("tooManyAttempts", { minutes: Number(wait[1]) });
  return error;
}
