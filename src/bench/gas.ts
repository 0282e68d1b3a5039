/**
 * ============================== GAS HOOK (not wired yet) ==============================
 * Gas per verified step: the gas of one registry transaction that verifies a step proof of
 * `instanceName` on-chain. The registry contract is being written concurrently; when it lands, measure
 * it here (e.g. deploy on Hardhat's in-process network, submit a proof, read the receipt's gasUsed) and
 * return the number. Until then this returns undefined and the benchmark reports "not measured".
 * ======================================================================================
 */
export interface GasHookContext {
  instanceName: string;
  /** the directory holding the instance's zkey, wasm and verification_key.json used for the benchmark */
  artifactsDir: string;
}

export async function gasPerVerifiedStep(context: GasHookContext): Promise<number | undefined> {
  void context;
  return undefined;
}
