/** "Verify again" in a row: its button, its verdict badge, and the verdict with the public inputs under it. */
import type { Groth16Proof } from "snarkjs";
import { MERGE_PUBLIC_INPUTS, STEP_PUBLIC_INPUTS } from "../../../src/protocol/index.js";
import type { VerifiedMerge, VerifiedStep } from "../../../src/chain/index.js";
import type { MergeVerification, Outcome, Verification } from "../state.js";
import { h, hashCode, milliseconds, type Child } from "../ui/dom.js";
import { errorBox } from "../ui/parts.js";

/** The proof cell of a step or a merge; `testId` prefixes the button's and the verdict's data-testid. */
export function verifyCell(
  verification: Outcome<{ valid: boolean; verifyMilliseconds: number }> | undefined,
  testId: string,
  onVerify: () => void,
): HTMLElement {
  if (verification?.state === "running")
    return h("span", { class: "badge running" }, h("span", { class: "spinner", "aria-hidden": "true" }), "verifying…");
  const button = h(
    "button",
    { type: "button", class: "small", "data-testid": `${testId}-again`, onclick: onVerify },
    verification === undefined ? "Verify again" : "Again",
  );
  if (verification === undefined) return button;
  if (verification.state === "failed")
    return h("span", { class: "verify" }, h("span", { class: "badge bad" }, "error"), button);
  const { valid, verifyMilliseconds } = verification.result;
  return h(
    "span",
    { class: "verify" },
    h(
      "span",
      { class: `badge ${valid ? "good" : "bad"}`, "data-testid": `${testId}-result` },
      valid ? "✓ valid" : "✗ invalid",
      h("span", { class: "time" }, milliseconds(verifyMilliseconds)),
    ),
    button,
  );
}

interface Verdict {
  valid: boolean;
  testId: string;
  verdict: string;
  body: Child[];
  summary: string;
  names: readonly string[];
  publicSignals: string[];
  proof: Groth16Proof;
}

/** The verdict of a proof verified again, with its public inputs and the proof. */
function verdictBox(options: Verdict): HTMLElement {
  const { valid, proof } = options;
  return h(
    "div",
    { class: `verify-detail ${valid ? "good" : "bad"}`, "data-testid": options.testId },
    h(
      "p",
      {},
      h("strong", {}, options.verdict),
      ...options.body,
      valid ? null : " If the circuit was rebuilt since the deployment, the local key is not the deployed verifier's.",
    ),
    h(
      "details",
      {},
      h("summary", {}, options.summary),
      h(
        "dl",
        { class: "signals" },
        options.names.flatMap((name, index) => [
          h("dt", {}, name),
          h("dd", {}, h("code", { class: "whole" }, options.publicSignals[index] ?? "")),
        ]),
        h("dt", {}, "proof"),
        h(
          "dd",
          {},
          h("code", { class: "whole" }, JSON.stringify({ pi_a: proof.pi_a, pi_b: proof.pi_b, pi_c: proof.pi_c })),
        ),
      ),
    ),
  );
}

function timing(result: { verifyMilliseconds: number; totalMilliseconds: number }): string {
  return ` groth16.verify in this browser took ${milliseconds(result.verifyMilliseconds)} (${milliseconds(result.totalMilliseconds)} with fetching the transaction and the key). `;
}

function keyFile(instance: string): HTMLElement {
  return h("code", {}, `build/circuits/${instance}/verification_key.json`);
}

export function verificationDetail(
  step: VerifiedStep,
  verification: Extract<Verification, { state: "done" | "failed" }>,
): HTMLElement {
  if (verification.state === "failed")
    return errorBox(verification.error, `Step ${step.step} could not be verified again`);
  const result = verification.result;
  const where =
    result.method === "submitStep"
      ? "submitStep"
      : `submitSteps (entry ${result.batchIndex + 1} of ${result.batchSize})`;
  return verdictBox({
    valid: result.valid,
    testId: "verify-detail",
    verdict: result.valid ? `Step ${step.step}: the proof is valid.` : `Step ${step.step}: the proof does NOT verify.`,
    body: [
      timing(result),
      `Proof decoded from the ${where} calldata of `,
      hashCode(step.transactionHash),
      "; verification key ",
      keyFile(result.instance),
      ".",
    ],
    summary: "Public inputs (PROTOCOL §7) and proof",
    names: STEP_PUBLIC_INPUTS,
    publicSignals: result.publicSignals,
    proof: result.proof,
  });
}

export function mergeVerificationDetail(
  merge: VerifiedMerge,
  verification: Extract<MergeVerification, { state: "done" | "failed" }>,
): HTMLElement {
  if (verification.state === "failed")
    return errorBox(verification.error, `The merge of step ${merge.step}'s adapter could not be verified again`);
  const result = verification.result;
  return verdictBox({
    valid: result.valid,
    testId: "merge-verify-detail",
    verdict: result.valid
      ? `Merge of step ${merge.step}'s adapter: the proof is valid.`
      : `Merge of step ${merge.step}'s adapter: the proof does NOT verify.`,
    body: [
      timing(result),
      "Proof decoded from the recordMerge calldata of ",
      hashCode(merge.transactionHash),
      ` (merge circuit ${result.instance}); public inputs from the run and adapterAfterStep(${merge.step}); verification key `,
      keyFile(result.instance),
      ".",
    ],
    summary: "Public inputs (PROTOCOL §9) and proof",
    names: MERGE_PUBLIC_INPUTS,
    publicSignals: result.publicSignals,
    proof: result.proof,
  });
}
