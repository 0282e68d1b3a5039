// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ILoraLedgerRegistry
/// @notice A ledger of LoRA fine-tuning runs whose every step is proven with Groth16 (docs/PROTOCOL.md).
///         Anyone registers base models (a commitment `baseRoot` to the frozen weights W0) and datasets
///         (a commitment `datasetRoot` to the examples and their count). A trainer starts a run on a
///         registered base model and dataset with fixed hyperparameters and one circuit instance's
///         verifier, then submits one proof per training step; the registry assembles the proof's
///         public inputs itself from the run's state, so an accepted step always extends the run's
///         current adapter, at the run's next step index, submitted by the address the proof names.
///         `provenanceOf(adapter)` answers "was this adapter produced by verified training, and from
///         which base model and dataset". A verified adapter's exact merged weights W_eff = W0 + α B A
///         are recorded with `recordMerge` (a LoraMerge proof, PROTOCOL §9), and
///         `mergedProvenanceOf(mergedRoot)` answers "where did these merged weights come from".
/// @dev All commitments are BN254 scalar field elements (< SNARK_SCALAR_FIELD). Every struct, event and
///      custom error of the registry is declared here.
interface ILoraLedgerRegistry {
    // ---------------------------------------------------------------------------------------------
    // Structs
    // ---------------------------------------------------------------------------------------------

    /// @notice A registered base model.
    /// @param registrant who registered it (never zero for a registered model)
    /// @param registeredBlock the block of registration
    /// @param uri where the weights can be found (free text, e.g. ipfs://...; not verified on-chain)
    struct BaseModel {
        address registrant;
        uint64 registeredBlock;
        string uri;
    }

    /// @notice A registered dataset.
    /// @param registrant who registered it (never zero for a registered dataset)
    /// @param registeredBlock the block of registration
    /// @param size the number of examples as declared by the registrant; the authoritative size is the one
    ///        committed inside datasetRoot (PROTOCOL §5), which the proofs use
    /// @param uri where the examples can be found (free text; not verified on-chain)
    struct Dataset {
        address registrant;
        uint64 registeredBlock;
        uint64 size;
        string uri;
    }

    /// @notice The verifier registered for a circuit instance.
    /// @param verifier the IStepVerifier contract (zero when the circuit id was never registered)
    /// @param registeredBlock the block of registration
    /// @param retired true once retired: it then accepts no new runs and no new steps
    struct VerifierRecord {
        address verifier;
        uint64 registeredBlock;
        bool retired;
    }

    /// @notice A training run. Storage layout (one slot per line):
    ///         0: trainer (20 bytes) | nextStep (8 bytes)   <- the hot slot, read and written per step
    ///         1: circuitId   2: baseRoot   3: datasetRoot   4: hparamsHash
    ///         5: head (written per step)   6: initialAdapter   7: startBlock
    /// @param trainer the run's owner (msg.sender of startRun); may always submit steps
    /// @param nextStep the index of the next step to prove (= number of verified steps)
    /// @param circuitId keccak256 of the circuit instance name; selects the verifier
    /// @param baseRoot the base model's commitment (public input 0)
    /// @param datasetRoot the dataset's commitment (public input 1)
    /// @param hparamsHash the hyperparameters' commitment (public input 2)
    /// @param head the current adapter commitment: initialAdapter, then each verified adapterAfter
    /// @param initialAdapter the adapter commitment the run started from
    /// @param startBlock the block of startRun
    struct Run {
        address trainer;
        uint64 nextStep;
        bytes32 circuitId;
        uint256 baseRoot;
        uint256 datasetRoot;
        uint256 hparamsHash;
        uint256 head;
        uint256 initialAdapter;
        uint64 startBlock;
    }

    /// @notice The first verified step that produced an adapter commitment (one storage slot).
    /// @param runId the run (1-based; 0 means "never produced by a verified step")
    /// @param step the step index within the run
    struct StepProvenance {
        uint192 runId;
        uint64 step;
    }

    /// @notice A Groth16 proof in the EVM's coordinate order (src/prover.ts toSolidityProof).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice One step of a batch: the claimed adapter after the step and its proof.
    struct StepSubmission {
        uint256 adapterAfter;
        Proof proof;
    }

    /// @notice The merge recorded for an adapter (two storage slots: mergedRoot, then the rest).
    /// @param mergedRoot the commitment to the exact merged weights W_eff = W0 + α B A (PROTOCOL §9)
    /// @param recorder who recorded the merge (zero when no merge is recorded for the adapter)
    /// @param runId the run whose verified step produced the adapter (< 2^64: one per startRun)
    /// @param step that step's index (< 2^32: the circuit range-checks a step to 32 bits, PROTOCOL §4)
    struct MergeRecord {
        uint256 mergedRoot;
        address recorder;
        uint64 runId;
        uint32 step;
    }

    // ---------------------------------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------------------------------

    /// @notice A base model commitment was registered.
    event BaseModelRegistered(uint256 indexed baseRoot, address indexed registrant, string uri);

    /// @notice A dataset commitment was registered.
    event DatasetRegistered(uint256 indexed datasetRoot, address indexed registrant, uint64 size, string uri);

    /// @notice A verifier was registered for a circuit instance (circuitId = keccak256(instance name)).
    event VerifierRegistered(bytes32 indexed circuitId, address indexed verifier);

    /// @notice A circuit instance's verifier was retired: no new runs, no new steps.
    event VerifierRetired(bytes32 indexed circuitId, address indexed verifier);

    /// @notice A run was started by `trainer`.
    event RunStarted(
        uint256 indexed runId,
        uint256 indexed baseRoot,
        uint256 indexed datasetRoot,
        address trainer,
        bytes32 circuitId,
        uint256 hparamsHash,
        uint256 initialAdapter
    );

    /// @notice The trainer authorized (`authorized` = true) or deauthorized a prover for a run.
    event ProverSet(uint256 indexed runId, address indexed prover, bool authorized);

    /// @notice A step's proof was verified and the run's head moved from adapterBefore to adapterAfter.
    event StepVerified(
        uint256 indexed runId,
        uint64 step,
        uint256 indexed adapterAfter,
        uint256 adapterBefore,
        address indexed submitter
    );

    /// @notice A merge proof was verified: `mergedRoot` commits to the exact merged weights of `adapter`,
    ///         the adapter after verified step `step` of run `runId`, on the run's base model and α.
    event MergeVerified(
        uint256 indexed runId,
        uint256 indexed adapter,
        uint256 indexed mergedRoot,
        uint64 step,
        address recorder
    );

    // ---------------------------------------------------------------------------------------------
    // Errors
    // ---------------------------------------------------------------------------------------------

    /// @notice An address argument that must be set was zero.
    error LoraLedger__ZeroAddress();

    /// @notice A base model or dataset root was zero or not below the field modulus.
    error LoraLedger__InvalidRoot(uint256 root);

    /// @notice A commitment (hyperparameters or initial adapter) was not below the field modulus.
    error LoraLedger__NotAFieldElement(uint256 value);

    /// @notice A dataset was declared with zero examples.
    error LoraLedger__InvalidDatasetSize(uint64 size);

    /// @notice The base model root is registered already (by `registrant`).
    error LoraLedger__BaseModelAlreadyRegistered(uint256 baseRoot, address registrant);

    /// @notice The dataset root is registered already (by `registrant`).
    error LoraLedger__DatasetAlreadyRegistered(uint256 datasetRoot, address registrant);

    /// @notice No base model is registered under this root.
    error LoraLedger__UnknownBaseModel(uint256 baseRoot);

    /// @notice No dataset is registered under this root.
    error LoraLedger__UnknownDataset(uint256 datasetRoot);

    /// @notice The circuit id was zero.
    error LoraLedger__InvalidCircuitId(bytes32 circuitId);

    /// @notice The circuit id has (or had) a verifier already; verifiers are never replaced.
    error LoraLedger__VerifierAlreadyRegistered(bytes32 circuitId, address verifier);

    /// @notice The verifier address holds no code.
    error LoraLedger__VerifierNotAContract(address verifier);

    /// @notice No verifier was ever registered for this circuit id.
    error LoraLedger__UnknownVerifier(bytes32 circuitId);

    /// @notice The circuit id's verifier is retired.
    error LoraLedger__RetiredVerifier(bytes32 circuitId, address verifier);

    /// @notice No run has this id.
    error LoraLedger__UnknownRun(uint256 runId);

    /// @notice Only the run's trainer may do this.
    error LoraLedger__NotTrainer(uint256 runId, address caller);

    /// @notice The caller is neither the run's trainer nor one of its authorized provers.
    error LoraLedger__UnauthorizedSubmitter(uint256 runId, address caller);

    /// @notice The claimed adapterAfter of a step is not below the field modulus.
    error LoraLedger__AdapterNotAFieldElement(uint256 runId, uint64 step, uint256 adapterAfter);

    /// @notice The verifier rejected the proof of step `step` of run `runId` for the public inputs the
    ///         registry assembled (run state, claimed adapterAfter, msg.sender).
    error LoraLedger__InvalidStepProof(uint256 runId, uint64 step);

    /// @notice submitSteps was called with no step.
    error LoraLedger__EmptyBatch(uint256 runId);

    /// @notice Step `step` of run `runId` has not been verified (yet).
    error LoraLedger__StepNotVerified(uint256 runId, uint64 step);

    /// @notice The claimed mergedRoot of a merge of step `step` of run `runId` is not below the field modulus.
    error LoraLedger__MergedRootNotAFieldElement(uint256 runId, uint64 step, uint256 mergedRoot);

    /// @notice The merge verifier rejected the proof for the public inputs the registry assembled from
    ///         run `runId` and its step `step` ([baseRoot, adapterAfterStep, hparamsHash, mergedRoot]).
    error LoraLedger__InvalidMergeProof(uint256 runId, uint64 step);

    /// @notice A merge is recorded for `adapter` already, to `mergedRoot`; an adapter's merge is recorded once.
    error LoraLedger__MergeAlreadyRecorded(uint256 adapter, uint256 mergedRoot);

    // ---------------------------------------------------------------------------------------------
    // Roles and constants
    // ---------------------------------------------------------------------------------------------

    /// @notice The BN254 scalar field modulus; every public input must be below it.
    function SNARK_SCALAR_FIELD() external view returns (uint256);

    /// @notice The role that registers and retires verifiers.
    function VERIFIER_ADMIN_ROLE() external view returns (bytes32);

    /// @notice The role that pauses and unpauses run creation, step submission and merge recording.
    function PAUSER_ROLE() external view returns (bytes32);

    // ---------------------------------------------------------------------------------------------
    // Registration
    // ---------------------------------------------------------------------------------------------

    /// @notice Registers a base model commitment (anyone, once per root).
    function registerBaseModel(uint256 baseRoot, string calldata uri) external;

    /// @notice Registers a dataset commitment (anyone, once per root).
    function registerDataset(uint256 datasetRoot, uint64 size, string calldata uri) external;

    /// @notice Registers the verifier of a circuit instance (VERIFIER_ADMIN_ROLE). A circuit id is
    ///         registered at most once, ever: a verifier is never replaced, only retired.
    function registerVerifier(bytes32 circuitId, address verifier) external;

    /// @notice Retires a circuit instance's verifier (VERIFIER_ADMIN_ROLE).
    function retireVerifier(bytes32 circuitId) external;

    /// @notice Pauses run creation, step submission and merge recording (PAUSER_ROLE).
    function pause() external;

    /// @notice Unpauses (PAUSER_ROLE).
    function unpause() external;

    // ---------------------------------------------------------------------------------------------
    // Runs and steps
    // ---------------------------------------------------------------------------------------------

    /// @notice Starts a run owned by msg.sender and returns its id (1-based).
    function startRun(
        uint256 baseRoot,
        uint256 datasetRoot,
        uint256 hparamsHash,
        bytes32 circuitId,
        uint256 initialAdapter
    ) external returns (uint256 runId);

    /// @notice Authorizes or deauthorizes `prover` to submit steps of run `runId` (the trainer only).
    function setProver(uint256 runId, address prover, bool authorized) external;

    /// @notice Verifies and records the run's next step. The public inputs are
    ///         [baseRoot, datasetRoot, hparamsHash, head, adapterAfter, nextStep, msg.sender].
    function submitStep(uint256 runId, uint256 adapterAfter, Proof calldata proof) external;

    /// @notice submitStep for several consecutive steps in one transaction; all or nothing.
    function submitSteps(uint256 runId, StepSubmission[] calldata steps) external;

    // ---------------------------------------------------------------------------------------------
    // Merges
    // ---------------------------------------------------------------------------------------------

    /// @notice Verifies and records that `mergedRoot` commits to the exact merged weights
    ///         W_eff = W0 + α B A (PROTOCOL §9) of the adapter after verified step `step` of run `runId`.
    ///         The public inputs are [run.baseRoot, adapterAfterStep(runId, step), run.hparamsHash,
    ///         mergedRoot], assembled by the registry; the caller supplies only mergedRoot and the proof.
    /// @dev Anyone may record a merge: the statement is a public fact about public commitments (it has
    ///      no submitter input, unlike a step), so there is nothing to authorize or front-run: a copied
    ///      proof records the same fact, only `recorder` differs. The run's hparamsHash binds the shape,
    ///      so only the LoraMerge instance with the run's parameters can prove it. An adapter's merge is
    ///      recorded once (LoraLedger__MergeAlreadyRecorded); a merged root keeps the first adapter
    ///      recorded for it. Reverts while paused, for an unknown run or unverified step, a
    ///      mergeCircuitId without an active verifier, mergedRoot >= the field, or an invalid proof (a
    ///      verifier that reverts or has no verifyProof(uint256[4]), e.g. a step verifier, rejects it).
    /// @param mergeCircuitId keccak256 of the LoraMerge instance's name (its verifier is an IMergeVerifier)
    function recordMerge(
        uint256 runId,
        uint64 step,
        bytes32 mergeCircuitId,
        uint256 mergedRoot,
        Proof calldata proof
    ) external;

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @notice The block the registry was deployed in: where to start scanning its events.
    function deploymentBlock() external view returns (uint256);

    /// @notice The number of runs started (run ids are 1..runCount).
    function runCount() external view returns (uint256);

    /// @notice The number of registered base models.
    function baseModelCount() external view returns (uint256);

    /// @notice The number of registered datasets.
    function datasetCount() external view returns (uint256);

    /// @notice A base model (all zero, registrant included, when not registered).
    function getBaseModel(uint256 baseRoot) external view returns (BaseModel memory);

    /// @notice A dataset (all zero, registrant included, when not registered).
    function getDataset(uint256 datasetRoot) external view returns (Dataset memory);

    /// @notice A circuit instance's verifier record (all zero when never registered).
    function verifierOf(bytes32 circuitId) external view returns (VerifierRecord memory);

    /// @notice A run; reverts with LoraLedger__UnknownRun for an unknown id.
    function getRun(uint256 runId) external view returns (Run memory);

    /// @notice Whether `account` is an authorized prover of run `runId` (the trainer is not listed).
    function isProver(uint256 runId, address account) external view returns (bool);

    /// @notice Whether `account` may submit steps of run `runId` now: its trainer or an authorized prover.
    function canSubmit(uint256 runId, address account) external view returns (bool);

    /// @notice The adapter commitment after verified step `step` of run `runId`; reverts with
    ///         LoraLedger__UnknownRun or LoraLedger__StepNotVerified.
    function adapterAfterStep(uint256 runId, uint64 step) external view returns (uint256);

    /// @notice Was `adapter` produced by a verified step, and by which run, step, base model and dataset
    ///         (the first verified step that produced it). All zero when not.
    function provenanceOf(
        uint256 adapter
    ) external view returns (bool verified, uint256 runId, uint64 step, uint256 baseRoot, uint256 datasetRoot);

    /// @notice The merge recorded for `adapter` (all zero, recorder included, when none).
    function mergeOf(uint256 adapter) external view returns (MergeRecord memory);

    /// @notice Where merged weights came from: were the weights `mergedRoot` commits to proven to be the
    ///         merge of an adapter that verified training produced, and of which adapter, run, step, base
    ///         model and dataset (the first merge recorded for the root). All zero when not.
    function mergedProvenanceOf(
        uint256 mergedRoot
    )
        external
        view
        returns (bool verified, uint256 runId, uint64 step, uint256 adapter, uint256 baseRoot, uint256 datasetRoot);
}
