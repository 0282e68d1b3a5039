// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// The Groth16 verifiers snarkjs generates (contracts/generated/<Instance>Verifier.sol), by number of
// public inputs: the generated contracts do not inherit these interfaces, they match them by signature.
// Each returns false (it does not revert) for an invalid proof and for any public input >= the BN254
// scalar field. Protocol version 2 (PROTOCOL §11–§13): a LoraCheckpoint or BaseProjectionBlock has 5
// public inputs, a LoraMergeBlock 6, a LoraRunStart 9.

/// @title IGroth16Verifier5
/// @notice A generated Groth16 verifier with 5 public inputs (LoraCheckpoint, BaseProjectionBlock).
interface IGroth16Verifier5 {
    /// @notice Checks a proof (G2 coordinates in EVM order) against its public inputs.
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[5] calldata _pubSignals
    ) external view returns (bool);
}

/// @title IGroth16Verifier6
/// @notice A generated Groth16 verifier with 6 public inputs (LoraMergeBlock).
interface IGroth16Verifier6 {
    /// @notice Checks a proof (G2 coordinates in EVM order) against its public inputs.
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[6] calldata _pubSignals
    ) external view returns (bool);
}

/// @title IGroth16Verifier9
/// @notice A generated Groth16 verifier with 9 public inputs (LoraRunStart).
interface IGroth16Verifier9 {
    /// @notice Checks a proof (G2 coordinates in EVM order) against its public inputs.
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[9] calldata _pubSignals
    ) external view returns (bool);
}
