/** The errors the page shows: a failure with a title and a hint, and the message of any error. */

/** A failure the page shows as is: a title, what happened, and what to do about it. */
export class ActionableError extends Error {
  constructor(
    readonly title: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** An error's message for people: ethers' short message when it has one. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const short = (error as Error & { shortMessage?: string }).shortMessage;
    return short ?? error.message;
  }
  return String(error);
}
