// A value the administration rules do not accept. The message names the value and what is allowed; the admin
// command prints it without a stack trace and exits 1, and any other error stays an error.
export class Refused extends Error {
  override name = "Refused";
}
