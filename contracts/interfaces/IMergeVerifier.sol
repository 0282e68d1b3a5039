// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IMergeVerifier
/// @notice The Groth16 verifier of one LoraMerge circuit instance, as snarkjs generates it
///         (contracts/generated/LoraMerge<Shape>Verifier.sol). The generated contracts do not inherit
///         this interface; they match it by signature. A merge verifier is registered in the registry
///         like a step verifier (registerVerifier, under keccak256 of the instance name).
/// @dev The 4 public signals are those of docs/PROTOCOL.md §9, in order: baseRoot, adapter,
///      hparamsHash, mergedRoot. The snarkjs template returns false (it does not revert) for an invalid
///      proof and for any public signal >= the BN254 scalar field.
interface IMergeVerifier {
    /// @notice Checks a Groth16 proof against the 4 public signals of PROTOCOL §9.
    /// @param _pA the proof's G1 point A
    /// @param _pB the proof's G2 point B, coordinates in EVM order (imaginary part first)
    /// @param _pC the proof's G1 point C
    /// @param _pubSignals the public inputs of PROTOCOL §9
    /// @return true when the proof is valid for these public inputs
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[4] calldata _pubSignals
    ) external view returns (bool);
}
