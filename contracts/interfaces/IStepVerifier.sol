// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IStepVerifier
/// @notice The Groth16 verifier of one LoraStep circuit instance, as snarkjs generates it
///         (contracts/generated/<Instance>Verifier.sol). The generated contracts do not inherit this
///         interface; they match it by signature.
/// @dev The 7 public signals are those of docs/PROTOCOL.md §7, in order: baseRoot, datasetRoot,
///      hparamsHash, adapterBefore, adapterAfter, step, submitter. The snarkjs template returns false
///      (it does not revert) for an invalid proof and for any public signal >= the BN254 scalar field.
interface IStepVerifier {
    /// @notice Checks a Groth16 proof against the 7 public signals of PROTOCOL §7.
    /// @param _pA the proof's G1 point A
    /// @param _pB the proof's G2 point B, coordinates in EVM order (imaginary part first)
    /// @param _pC the proof's G1 point C
    /// @param _pubSignals the public inputs of PROTOCOL §7
    /// @return true when the proof is valid for these public inputs
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[7] calldata _pubSignals
    ) external view returns (bool);
}
