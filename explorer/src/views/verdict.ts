/** "Verify again" in a row: its button, its verdict badge, and the verdict with the public inputs under it. */
import type { RunPart, Verification } from "../state.js";
import type { CheckedProof, Reverification } from "../verify.js";
import { h, hashCode, milliseconds } from "../ui/dom.js";
import { errorBox } from "../ui/parts.js";

/** The proof cell of a row; its button's and badge's data-testid are `<kind>-verify-again` and `<kind>-verify-result`. */
export function verifyCell(
  verification: Verification | undefined,
  kind: RunPart["kind"],
  onVerify: () => void,
): HTMLElement {
  if (verification?.state === "running")
    return h("span", { class: "badge running" }, h("span", { class: "spinner", "aria-hidden": "true" }), "verifying…");
  const button = h(
    "button",
    { type: "button", class: "small", "data-testid": `${kind}-verify-again`, onclick: onVerify },
    verification === undefined ? "Verify again" : "Again",
  );
  if (verification === undefined) return button;
  if (verification.state === "failed")
    return h("span", { class: "verify" }, h("span", { class: "badge bad" }, "error"), button);
  const { valid, verifyMilliseconds, proofs, key } = verification.result;
  return h(
    "span",
    { class: "verify" },
    h(
      "span",
      { class: `badge ${valid ? "good" : "bad"}`, "data-testid": `${kind}-verify-result` },
      valid ? "✓ valid" : "✗ invalid",
      proofs.length > 1 ? ` (${proofs.length} proofs)` : null,
      h("span", { class: "time" }, milliseconds(verifyMilliseconds)),
    ),
    // the proof's verdict is against the deployed key; a published key file that differs is another matter
    key.published === "mismatch"
      ? h("span", { class: "badge bad", "data-testid": `${kind}-key-mismatch` }, "⚠ key mismatch")
      : null,
    button,
  );
}

function timing(result: Reverification): string {
  return ` groth16.verify in this browser took ${milliseconds(result.verifyMilliseconds)} (${milliseconds(result.totalMilliseconds)} with fetching the transactions and the key). `;
}

/** One proof's public inputs, by name, and the proof itself. */
function proofDetails(proof: CheckedProof, several: boolean): HTMLElement {
  return h(
    "details",
    {},
    h(
      "summary",
      {},
      several ? `${proof.source}: ${proof.valid ? "valid" : "does NOT verify"}. ` : "",
      "Public inputs and proof",
    ),
    h(
      "dl",
      { class: "signals" },
      proof.names.flatMap((name, index) => [
        h("dt", {}, name),
        h("dd", {}, h("code", { class: "whole" }, proof.publicSignals[index] ?? "")),
      ]),
      h("dt", {}, "proof"),
      h(
        "dd",
        {},
        h(
          "code",
          { class: "whole" },
          JSON.stringify({ pi_a: proof.proof.pi_a, pi_b: proof.proof.pi_b, pi_c: proof.proof.pi_c }),
        ),
      ),
    ),
  );
}

/** The verdict of a start, checkpoint or merge verified again (`what` names it), with each proof's public inputs. */
export function verificationDetail(
  what: string,
  kind: RunPart["kind"],
  verification: Extract<Verification, { state: "done" | "failed" }>,
): HTMLElement {
  if (verification.state === "failed") return errorBox(verification.error, `${what} could not be verified again`);
  const result = verification.result;
  const several = result.proofs.length > 1;
  return h(
    "div",
    { class: `verify-detail ${result.valid ? "good" : "bad"}`, "data-testid": `${kind}-verify-detail` },
    h(
      "p",
      {},
      h("strong", {}, result.valid ? `${what}: the proof is valid.` : `${what}: the proof does NOT verify.`),
      timing(result),
      "Decoded from the calldata of ",
      result.proofs.flatMap((proof, index) => [
        index > 0 ? "; " : "",
        `${proof.source}, `,
        hashCode(proof.transactionHash, "transaction hash"),
      ]),
      "; public inputs assembled as the registry does; verification key decoded from the code of the registry's verifier of ",
      h("code", {}, result.instance),
      ", ",
      hashCode(result.key.verifier, "verifier address"),
      result.key.published === "matches"
        ? " (the key file this page publishes for it is the same)."
        : result.key.published === "absent"
          ? " (this page publishes no key file for it)."
          : null,
    ),
    result.key.published === "mismatch"
      ? h(
          "p",
          { class: "key-mismatch", "data-testid": `${kind}-key-mismatch-detail` },
          h("strong", {}, "Key mismatch: "),
          `the key file this page publishes for ${result.instance} is not the deployed verifier's key (it differs at ${result.key.differences ?? "some coordinates"}). The proof was checked against the deployed key; a page built from another key cannot vouch for this circuit.`,
        )
      : null,
    result.proofs.map((proof) => proofDetails(proof, several)),
  );
}
