// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ILoraLedgerRegistryV2
/// @notice The ledger of LoRA fine-tuning runs on the statements of Protocol version 2
///         (docs/PROTOCOL.md §11–§13), every one proven with Groth16:
///         1. the **base projection** of a (base model, dataset) pair, proven block by block by anyone
///            (`submitProjectionBlock`); it counts once every block is verified, in order, and its id is
///            the chained hash of the last block;
///         2. a **run** starts with a LoraRunStart proof (`startRun`) from the canonical initialization of
///            a public seed, or from a verified adapter of an earlier run on the same base model and
///            shape; its configuration (base, dataset, projection, α, lr) is stored in the clear and
///            bound to every later proof by one hash, `runConfig`;
///         3. **checkpoints** (`submitCheckpoint`): one LoraCheckpoint proof of k consecutive steps from
///            the run's head, which also proves the checkpoint's summed squared error (`loss`);
///         4. **merges** (`submitMergeBlock`): the exact merged weights W_eff = W0 + α B A of a verified
///            adapter of a run, proven in the base model's column blocks and bound to that run and its
///            step count.
///         The registry assembles every proof's public inputs itself from its own state, so a proof is
///         accepted only for the run's current head, next step index, configuration and submitter.
///         `provenanceOf(adapter)` answers "which verified run produced this adapter, after how many
///         steps, from which base model and dataset, with which hyperparameters, checked by which
///         verifier (and is it retired)"; `lineageOf(adapter)` follows continued runs back to their
///         canonical start. Every adapter the registry vouches for descends, through verified proofs
///         only, from a canonical initialization.
/// @dev All commitments are BN254 scalar field elements. A step count `steps` names the adapter after
///      that many verified steps of a run (0: the run's start). Storage holds what a contract must check
///      (roots, runs' heads, each adapter's first producer, merges); a run's history (every checkpoint's
///      adapters and loss) is in its events, which the SDK reads. Lookups of unknown keys return zeros;
///      calls that need an existing entity revert. Every struct, event and error is here.
interface ILoraLedgerRegistryV2 {
    // ---------------------------------------------------------------------------------------------
    // Structs and enums
    // ---------------------------------------------------------------------------------------------

    /// @notice What a circuit instance proves, which fixes its public inputs (PROTOCOL §11–§13).
    enum VerifierKind {
        None,
        RunStart,
        Checkpoint,
        ProjectionBlock,
        MergeBlock
    }

    /// @notice A registered base model: baseRoot = Poseidon([10, treeRoot, blocks]) (PROTOCOL §11),
    ///         computed by the registry from the values given, so `blocks` is a fact.
    /// @param registrant who registered it first (never zero for a registered model)
    /// @param registeredBlock the block of registration
    /// @param blocks the number of column blocks W0 is committed in
    /// @param treeRoot the root of the tree of block commitments
    /// @param uri where the registrant says the weights are (free text, not verified on-chain; anyone may
    ///        publish their own, see baseModelUri)
    struct BaseModel {
        address registrant;
        uint64 registeredBlock;
        uint64 blocks;
        uint256 treeRoot;
        string uri;
    }

    /// @notice A registered (activated) dataset: datasetRoot = Poseidon([4, treeRoot, size]) (PROTOCOL
    ///         §5, §11), computed by the registry from the values given, so `size` is the size the
    ///         proofs use. Its leaves commit the base model's outputs: the root is specific to one base.
    /// @param registrant who registered it first (never zero for a registered dataset)
    /// @param registeredBlock the block of registration
    /// @param size the number of examples
    /// @param treeRoot the root of the example tree
    /// @param uri where the registrant says the examples are (free text, not verified on-chain; anyone
    ///        may publish their own, see datasetUri)
    struct Dataset {
        address registrant;
        uint64 registeredBlock;
        uint64 size;
        uint256 treeRoot;
        string uri;
    }

    /// @notice The verifier registered for a circuit instance, with what the registry must know of the
    ///         instance (two storage slots; the second is all a checkpoint reads).
    /// @param shapeId keccak256(abi.encode(d_out, d_in, rank)) of the step shape the instance serves: a
    ///        run's start and checkpoint instances, and a continued run's and its parent's, must have
    ///        the same shape
    /// @param verifier the generated Groth16 verifier (zero when the circuit id was never registered)
    /// @param registeredBlock the block of registration
    /// @param retired true once retired: it then accepts no new proof
    /// @param kind what the instance proves
    /// @param count the instance's steps per proof (k) for a Checkpoint, its number of column blocks of
    ///        the base model for a ProjectionBlock or MergeBlock, 1 for a RunStart
    // Packed in two slots (shapeId; verifier 20 + block 8 + count 2 + kind 1 + retired 1 bytes): the rule
    // counts the enum as a full word.
    // solhint-disable-next-line gas-struct-packing
    struct VerifierRecord {
        bytes32 shapeId;
        address verifier;
        uint64 registeredBlock;
        uint16 count;
        VerifierKind kind;
        bool retired;
    }

    /// @notice The progress of a base projection of (baseRoot, datasetRoot) with one circuit instance.
    /// @param acc the chained hash after the verified blocks (0 before the first): the projection id
    ///        once nextBlock equals the instance's block count
    /// @param nextBlock the index of the next block to verify
    struct ProjectionProgress {
        uint256 acc;
        uint16 nextBlock;
    }

    /// @notice A training run. Slot 0 (trainer, nextStep) is the hot slot, read and written per checkpoint.
    /// @param trainer the run's owner (msg.sender of startRun); may always submit checkpoints
    /// @param nextStep the index of the next step to prove (= number of verified steps)
    /// @param checkpointCircuitId the LoraCheckpoint instance that proves the run's steps
    /// @param runConfig Poseidon([16, baseRoot, datasetRoot, projectionId, alpha, lr]) (PROTOCOL §12)
    /// @param head the adapter after nextStep verified steps
    /// @param baseRoot the base model
    /// @param datasetRoot the (activated) dataset
    /// @param projectionId the completed base projection of (baseRoot, datasetRoot) the run uses
    /// @param adapterStart the adapter the run started from
    /// @param seed the canonical initialization's seed (0 for a continued run)
    /// @param parentRunId the run whose verified adapter this run continues (0: canonical start)
    /// @param parentSteps the parent's step count whose adapter this run starts from
    /// @param alpha α̂, the LoRA scale at scale 2^F (in [1, 2^16))
    /// @param lr l̂, the learning rate at scale 2^F (in [1, 2^16))
    /// @param startBlock the block of startRun
    struct Run {
        address trainer;
        uint64 nextStep;
        bytes32 checkpointCircuitId;
        uint256 runConfig;
        uint256 head;
        uint256 baseRoot;
        uint256 datasetRoot;
        uint256 projectionId;
        uint256 adapterStart;
        uint256 seed;
        uint64 parentRunId;
        uint64 parentSteps;
        uint16 alpha;
        uint16 lr;
        uint64 startBlock;
    }

    /// @notice What startRun needs. A canonical start (continued = false) names its seed and the
    ///         canonical adapter of that seed; a continued run (continued = true, seed = 0) names a
    ///         verified adapter as adapterStart, and its parent is that adapter's first producer.
    struct RunStart {
        uint256 baseRoot;
        uint256 datasetRoot;
        bytes32 startCircuitId;
        bytes32 checkpointCircuitId;
        uint256 runConfig;
        uint256 adapterStart;
        uint256 seed;
        bool continued;
        uint16 alpha;
        uint16 lr;
    }

    /// @notice The first verified proof that produced an adapter (one storage slot).
    /// @param runId the run (0: never produced by a verified proof)
    /// @param steps the run's step count after which it is the run's head (0: the run's start)
    struct AdapterProvenance {
        uint192 runId;
        uint64 steps;
    }

    /// @notice The registry's answer about an adapter (provenanceOf), and one run of a lineage (lineageOf).
    /// @param verified false (and everything zero) when no verified proof produced the adapter
    /// @param runId the run whose proof produced it first
    /// @param steps that run's step count after which it is the run's head (0: the run's start)
    /// @param runSteps the run's verified steps now (its nextStep)
    /// @param baseRoot, datasetRoot, projectionId, alpha, lr the run's configuration, in the clear
    /// @param seed the run's canonical seed (0 for a continued run)
    /// @param parentRunId, parentSteps the run this one continues, after how many steps (0, 0: canonical)
    /// @param checkpointCircuitId the run's checkpoint instance; verifier its verifier
    /// @param verifierRetired whether that verifier is retired (no new checkpoint of the run is accepted)
    struct Provenance {
        uint256 runId;
        uint256 baseRoot;
        uint256 datasetRoot;
        uint256 projectionId;
        uint256 seed;
        bytes32 checkpointCircuitId;
        address verifier;
        bool verified;
        bool verifierRetired;
        uint16 alpha;
        uint16 lr;
        uint64 steps;
        uint64 runSteps;
        uint64 parentRunId;
        uint64 parentSteps;
    }

    /// @notice A Groth16 proof in the EVM's coordinate order (src/protocol toSolidityProof).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice One checkpoint of a batch: the claimed adapter after its k steps, its loss, its proof.
    struct CheckpointSubmission {
        uint256 adapterAfter;
        uint256 loss;
        Proof proof;
    }

    /// @notice The progress of a merge of an adapter with one circuit instance.
    /// @param acc the chained hash after the verified blocks (the merged root once complete)
    /// @param nextBlock the index of the next block to verify
    struct MergeProgress {
        uint256 acc;
        uint16 nextBlock;
    }

    /// @notice The merge recorded for an adapter, on its first producer's base model and α.
    /// @param mergedRoot the commitment to the exact merged weights (PROTOCOL §13); 0 when none
    /// @param recorder who submitted the last block
    /// @param circuitId the LoraMergeBlock instance that proved it
    struct MergeRecord {
        uint256 mergedRoot;
        address recorder;
        bytes32 circuitId;
    }

    /// @notice An evaluation of a run's adapter that its trainer reports (reportEvaluations): a claim of
    ///         the trainer's, NOT proven. The registry checks only who reports and that `steps` names a
    ///         verified adapter of the run; the value itself is the trainer's word.
    /// @param steps the run's step count whose adapter was evaluated (0: the run's start; else the end of a
    ///        verified checkpoint: a multiple of the run's k, at most its nextStep)
    /// @param numerator, denominator the value, as an exact fraction (an accuracy: correct / total examples;
    ///        denominator > 0)
    /// @param metric what was measured, e.g. "accuracy" (non-empty)
    /// @param split on which examples, e.g. "541 held-out shifted digits"
    struct Evaluation {
        uint64 steps;
        uint256 numerator;
        uint256 denominator;
        string metric;
        string split;
    }

    // ---------------------------------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------------------------------

    /// @notice A base model commitment was registered: baseRoot = Poseidon([10, treeRoot, blocks]).
    event BaseModelRegistered(uint256 indexed baseRoot, address indexed registrant, uint256 treeRoot, uint64 blocks);

    /// @notice `publisher` says the weights of `baseRoot` are at `uri` (anyone may publish, any time).
    event BaseModelUriPublished(uint256 indexed baseRoot, address indexed publisher, string uri);

    /// @notice A dataset commitment was registered: datasetRoot = Poseidon([4, treeRoot, size]).
    event DatasetRegistered(uint256 indexed datasetRoot, address indexed registrant, uint256 treeRoot, uint64 size);

    /// @notice `publisher` says the examples of `datasetRoot` are at `uri` (anyone may publish, any time).
    event DatasetUriPublished(uint256 indexed datasetRoot, address indexed publisher, string uri);

    /// @notice A verifier was registered for a circuit instance (circuitId = keccak256(instance name)).
    event VerifierRegistered(
        bytes32 indexed circuitId,
        address indexed verifier,
        VerifierKind kind,
        uint16 count,
        bytes32 shapeId
    );

    /// @notice A circuit instance's verifier was retired: it accepts no new proof.
    event VerifierRetired(bytes32 indexed circuitId, address indexed verifier);

    /// @notice Block `blockIndex` of the base projection of (baseRoot, datasetRoot) was verified.
    event ProjectionBlockVerified(
        uint256 indexed baseRoot,
        uint256 indexed datasetRoot,
        bytes32 indexed circuitId,
        uint16 blockIndex,
        uint256 accOut
    );

    /// @notice Every block of the projection was verified: runs on (baseRoot, datasetRoot) may use it.
    event ProjectionCompleted(uint256 indexed baseRoot, uint256 indexed datasetRoot, uint256 projectionId);

    /// @notice A run was started by `trainer` from `adapterStart` (the canonical initialization of the
    ///         run's seed, or, when parentRunId != 0, the parent's adapter after parentSteps steps).
    event RunStarted(
        uint256 indexed runId,
        uint256 indexed baseRoot,
        uint256 indexed datasetRoot,
        address trainer,
        uint256 runConfig,
        uint256 adapterStart,
        uint64 parentRunId,
        uint64 parentSteps
    );

    /// @notice The trainer authorized (`authorized` = true) or deauthorized a prover for a run.
    event ProverSet(uint256 indexed runId, address indexed prover, bool authorized);

    /// @notice A checkpoint's proof was verified: steps firstStep … firstStep + steps - 1 moved the run's
    ///         head from adapterBefore to adapterAfter; `loss` is the proven Σ E² of those steps
    ///         (PROTOCOL §12: mean squared error = loss / (steps · n · d_out · 2^(6F))).
    event CheckpointVerified(
        uint256 indexed runId,
        uint64 firstStep,
        uint16 steps,
        uint256 indexed adapterAfter,
        uint256 adapterBefore,
        uint256 loss,
        address indexed submitter
    );

    /// @notice Block `blockIndex` of the merge of `adapter` (run `runId`'s after `steps` steps) was verified.
    event MergeBlockVerified(
        uint256 indexed adapter,
        bytes32 indexed circuitId,
        uint16 blockIndex,
        uint256 runId,
        uint64 steps
    );

    /// @notice Every block of a merge was verified: `mergedRoot` commits to the exact merged weights of
    ///         `adapter`, run `runId`'s adapter after `steps` steps (its first producer), on the run's
    ///         base model and α.
    event MergeVerified(
        uint256 indexed runId,
        uint256 indexed adapter,
        uint256 indexed mergedRoot,
        uint64 steps,
        address recorder
    );

    /// @notice The trainer of `runId` reports `metric` on `split` of the run's adapter after `steps` verified
    ///         steps as numerator / denominator. Reported, NOT proven (see Evaluation).
    event EvaluationReported(
        uint256 indexed runId,
        uint64 indexed steps,
        address indexed reporter,
        string metric,
        string split,
        uint256 numerator,
        uint256 denominator
    );

    // ---------------------------------------------------------------------------------------------
    // Errors
    // ---------------------------------------------------------------------------------------------

    /// @notice An address argument that must be set was zero.
    error LoraLedger__ZeroAddress();

    /// @notice A dataset was declared with zero examples.
    error LoraLedger__InvalidDatasetSize(uint64 size);

    /// @notice A base model was declared with zero blocks.
    error LoraLedger__InvalidBlockCount(uint64 blocks);

    /// @notice A tree root given for registration was not below the field modulus.
    error LoraLedger__InvalidTreeRoot(uint256 treeRoot);

    /// @notice No base model is registered under this root.
    error LoraLedger__UnknownBaseModel(uint256 baseRoot);

    /// @notice No dataset is registered under this root.
    error LoraLedger__UnknownDataset(uint256 datasetRoot);

    /// @notice The circuit id was zero.
    error LoraLedger__InvalidCircuitId(bytes32 circuitId);

    /// @notice A verifier's kind was None, or its count was 0 (or not 1 for a RunStart).
    error LoraLedger__InvalidVerifierMetadata(VerifierKind kind, uint16 count);

    /// @notice The circuit id has (or had) a verifier already; verifiers are never replaced.
    error LoraLedger__VerifierAlreadyRegistered(bytes32 circuitId, address verifier);

    /// @notice The verifier address holds no code.
    error LoraLedger__VerifierNotAContract(address verifier);

    /// @notice No verifier was ever registered for this circuit id.
    error LoraLedger__UnknownVerifier(bytes32 circuitId);

    /// @notice The circuit id's verifier is retired.
    error LoraLedger__RetiredVerifier(bytes32 circuitId, address verifier);

    /// @notice The circuit id's verifier proves `actual`, where `expected` is needed.
    error LoraLedger__WrongVerifierKind(bytes32 circuitId, VerifierKind expected, VerifierKind actual);

    /// @notice Two instances that must have the same shape do not (a run's start and checkpoint
    ///         instances, or a continued run's checkpoint instance and its parent's).
    error LoraLedger__ShapeMismatch(bytes32 circuitId, bytes32 otherCircuitId);

    /// @notice A projection or merge instance's block count is not the base model's.
    error LoraLedger__BlockCountMismatch(bytes32 circuitId, uint16 count, uint64 blocks);

    /// @notice The projection block's proof did not verify for [baseRoot, datasetRoot, blockIndex, accIn, accOut].
    error LoraLedger__InvalidProjectionProof(uint256 baseRoot, uint256 datasetRoot, uint16 blockIndex);

    /// @notice Every block of this projection is verified already.
    error LoraLedger__ProjectionAlreadyComplete(uint256 baseRoot, uint256 datasetRoot, bytes32 circuitId);

    /// @notice No projection of (baseRoot, datasetRoot) is complete: a run cannot start on it yet.
    error LoraLedger__ProjectionIncomplete(uint256 baseRoot, uint256 datasetRoot);

    /// @notice α̂ or l̂ is 0: a run that trains nothing is not a valid configuration (PROTOCOL §12).
    error LoraLedger__ZeroHyperparameter(uint16 alpha, uint16 lr);

    /// @notice A continued run named a seed (it must be 0).
    error LoraLedger__InvalidStart();

    /// @notice A continued run's adapterStart was produced by no verified proof, or by a run on another
    ///         base model.
    error LoraLedger__NotAVerifiedParent(uint256 adapterStart);

    /// @notice The run start's proof did not verify for the inputs the registry assembled.
    error LoraLedger__InvalidStartProof();

    /// @notice No run has this id.
    error LoraLedger__UnknownRun(uint256 runId);

    /// @notice Only the run's trainer may do this.
    error LoraLedger__NotTrainer(uint256 runId, address caller);

    /// @notice The caller is neither the run's trainer nor one of its authorized provers.
    error LoraLedger__UnauthorizedSubmitter(uint256 runId, address caller);

    /// @notice A claimed commitment or loss is not below the field modulus (checked for the whole batch
    ///         before any proof is verified).
    error LoraLedger__NotAFieldElement(uint256 value);

    /// @notice The checkpoint's proof did not verify for [runConfig, head, adapterAfter,
    ///         nextStep · 2^160 + msg.sender, loss].
    error LoraLedger__InvalidCheckpointProof(uint256 runId, uint64 firstStep);

    /// @notice submitCheckpoints was called with no checkpoint.
    error LoraLedger__EmptyBatch(uint256 runId);

    /// @notice No verified proof produced this adapter: it cannot be merged.
    error LoraLedger__AdapterNotVerified(uint256 adapter);

    /// @notice The merge block's proof did not verify for [baseRoot, adapter, alpha, blockIndex, accIn, accOut].
    error LoraLedger__InvalidMergeProof(uint256 adapter, uint16 blockIndex);

    /// @notice A merge of this adapter is recorded already, to `mergedRoot`.
    error LoraLedger__MergeAlreadyRecorded(uint256 adapter, uint256 mergedRoot);

    /// @notice An evaluation names a step count with no verified adapter of the run: neither 0 nor the end
    ///         of a verified checkpoint (a multiple of the run's k up to its nextStep).
    error LoraLedger__UnverifiedSteps(uint256 runId, uint64 steps, uint64 nextStep);

    /// @notice An evaluation without a metric name or with a zero denominator.
    error LoraLedger__InvalidEvaluation(uint256 runId, uint64 steps);

    // ---------------------------------------------------------------------------------------------
    // Roles and constants
    // ---------------------------------------------------------------------------------------------

    /// @notice The BN254 scalar field modulus; every public input must be below it.
    function SNARK_SCALAR_FIELD() external view returns (uint256);

    /// @notice The role that registers and retires verifiers.
    function VERIFIER_ADMIN_ROLE() external view returns (bytes32);

    /// @notice The role that pauses and unpauses every proof submission and run start.
    function PAUSER_ROLE() external view returns (bytes32);

    // ---------------------------------------------------------------------------------------------
    // Registration
    // ---------------------------------------------------------------------------------------------

    /// @notice Registers the base model Poseidon([10, treeRoot, blocks]) and returns its root (the first
    ///         caller is its registrant; a later call registers nothing new), and publishes msg.sender's
    ///         uri for it. Front-running takes nothing: the root and block count are facts, and every
    ///         publisher's uri is its own.
    function registerBaseModel(
        uint256 treeRoot,
        uint64 blocks,
        string calldata uri
    ) external returns (uint256 baseRoot);

    /// @notice Registers the dataset Poseidon([4, treeRoot, size]) and returns its root, as registerBaseModel.
    function registerDataset(uint256 treeRoot, uint64 size, string calldata uri) external returns (uint256 datasetRoot);

    /// @notice Registers the verifier of a circuit instance with its kind, count and shape id
    ///         (VERIFIER_ADMIN_ROLE; src/chain `verifierRegistration` computes them from
    ///         circuits/instances.json). A circuit id is registered at most once, ever.
    /// @dev The metadata is trusted as the verifier itself is: a wrong k would let a checkpoint skip
    ///      step indices. A deployment is checked against circuits/instances.json.
    function registerVerifier(
        bytes32 circuitId,
        address verifier,
        VerifierKind kind,
        uint16 count,
        bytes32 shapeId
    ) external;

    /// @notice Retires a circuit instance's verifier (VERIFIER_ADMIN_ROLE).
    function retireVerifier(bytes32 circuitId) external;

    /// @notice Pauses every proof submission and run start (PAUSER_ROLE).
    function pause() external;

    /// @notice Unpauses (PAUSER_ROLE).
    function unpause() external;

    // ---------------------------------------------------------------------------------------------
    // Base projections (anyone: a projection block is a public fact about public commitments)
    // ---------------------------------------------------------------------------------------------

    /// @notice Verifies the next block of the base projection of (baseRoot, datasetRoot) proven with
    ///         `circuitId` (a ProjectionBlock instance). Public inputs: [baseRoot, datasetRoot,
    ///         nextBlock, acc, accOut]. The last block completes the projection: its accOut is the id.
    function submitProjectionBlock(
        uint256 baseRoot,
        uint256 datasetRoot,
        bytes32 circuitId,
        uint256 accOut,
        Proof calldata proof
    ) external;

    // ---------------------------------------------------------------------------------------------
    // Runs and checkpoints
    // ---------------------------------------------------------------------------------------------

    /// @notice Starts a run owned by msg.sender and returns its id (1-based). Public inputs of the
    ///         LoraRunStart proof: [runConfig, adapterStart, seed, fromHead, baseRoot, datasetRoot,
    ///         projectionId, alpha, lr], with projectionId the completed projection of the pair and
    ///         fromHead = (parentRunId != 0).
    function startRun(RunStart calldata start, Proof calldata proof) external returns (uint256 runId);

    /// @notice Authorizes or deauthorizes `prover` to submit checkpoints of run `runId` (the trainer only).
    function setProver(uint256 runId, address prover, bool authorized) external;

    /// @notice Verifies and records the run's next checkpoint (k steps, k of the run's checkpoint instance).
    ///         Public inputs: [runConfig, head, adapterAfter, nextStep · 2^160 + msg.sender, loss].
    function submitCheckpoint(uint256 runId, uint256 adapterAfter, uint256 loss, Proof calldata proof) external;

    /// @notice submitCheckpoint for several consecutive checkpoints in one transaction; all or nothing.
    function submitCheckpoints(uint256 runId, CheckpointSubmission[] calldata checkpoints) external;

    // ---------------------------------------------------------------------------------------------
    // Merges (anyone: a merge block is a public fact about the run's public commitments)
    // ---------------------------------------------------------------------------------------------

    /// @notice Verifies the next block of the merge of a verified `adapter`, proven with `circuitId` (a
    ///         MergeBlock instance), on the base model and α of the run that produced it first (its
    ///         provenance). Public inputs: [run.baseRoot, adapter, run.alpha, nextBlock, acc, accOut]. The
    ///         last block records the merge: its accOut is the merged root. A merge is bound to the run
    ///         and step of its adapter, so a run started from someone else's adapter with another α
    ///         cannot record a merge of it under that α.
    function submitMergeBlock(uint256 adapter, bytes32 circuitId, uint256 accOut, Proof calldata proof) external;

    // ---------------------------------------------------------------------------------------------
    // Reports (the trainer's word, not proven)
    // ---------------------------------------------------------------------------------------------

    /// @notice The run's trainer reports evaluations of the run's verified adapters (held-out accuracy, say),
    ///         one EvaluationReported each. Only the trainer may report (not its provers): a report is the
    ///         trainer's claim, kept on-chain so that it is attributed and cannot be changed later; it is
    ///         not proven, and readers must say so. Allowed while paused and for a run whose verifier is
    ///         retired: it records words, not proofs.
    function reportEvaluations(uint256 runId, Evaluation[] calldata evaluations) external;

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @notice The block the registry was deployed in: where to start scanning its events.
    function deploymentBlock() external view returns (uint256);

    /// @notice The number of runs started (run ids are 1..runCount).
    function runCount() external view returns (uint256);

    /// @notice A base model (all zero when not registered); its uri is the registrant's.
    function getBaseModel(uint256 baseRoot) external view returns (BaseModel memory);

    /// @notice A dataset (all zero when not registered); its uri is the registrant's.
    function getDataset(uint256 datasetRoot) external view returns (Dataset memory);

    /// @notice The uri `publisher` published for a base model ("" when none).
    function baseModelUri(uint256 baseRoot, address publisher) external view returns (string memory);

    /// @notice The uri `publisher` published for a dataset ("" when none).
    function datasetUri(uint256 datasetRoot, address publisher) external view returns (string memory);

    /// @notice A circuit instance's verifier record (all zero when never registered).
    function verifierOf(bytes32 circuitId) external view returns (VerifierRecord memory);

    /// @notice The id of the completed projection of (baseRoot, datasetRoot); 0 when none is complete.
    function projectionOf(uint256 baseRoot, uint256 datasetRoot) external view returns (uint256);

    /// @notice The progress of the projection of (baseRoot, datasetRoot) with instance `circuitId`.
    function projectionProgress(
        uint256 baseRoot,
        uint256 datasetRoot,
        bytes32 circuitId
    ) external view returns (ProjectionProgress memory);

    /// @notice A run (all zero, trainer included, for an unknown id).
    function getRun(uint256 runId) external view returns (Run memory);

    /// @notice Whether `account` is an authorized prover of run `runId` (the trainer is not listed).
    function isProver(uint256 runId, address account) external view returns (bool);

    /// @notice Whether `account` may submit a checkpoint of run `runId` now: the run exists, the registry
    ///         is not paused, the run's checkpoint verifier is not retired, and `account` is its trainer
    ///         or an authorized prover.
    function canSubmit(uint256 runId, address account) external view returns (bool);

    /// @notice Was `adapter` produced by a verified proof (a canonical start or a checkpoint): by which run,
    ///         after how many steps, with which configuration, checked by which verifier and is it retired
    ///         (the first such proof; `verified` false and all zero when none). A checkpoint that changes
    ///         nothing gives no adapter a provenance it did not have.
    function provenanceOf(uint256 adapter) external view returns (Provenance memory);

    /// @notice `adapter`'s lineage: its provenance, then the provenance of each run's start back to a
    ///         canonical one (the last entry's parentRunId is 0), at most `maxRuns` entries. Empty when the
    ///         adapter is not verified.
    function lineageOf(uint256 adapter, uint256 maxRuns) external view returns (Provenance[] memory);

    /// @notice The progress of the merge of `adapter` with `circuitId`.
    function mergeProgress(uint256 adapter, bytes32 circuitId) external view returns (MergeProgress memory);

    /// @notice The merge recorded for `adapter` (all zero when none).
    function mergeOf(uint256 adapter) external view returns (MergeRecord memory);

    /// @notice The adapter whose merge was first proven to be `mergedRoot` (0 when none); its provenance
    ///         names the run, step count, base model, dataset and α.
    function mergedAdapterOf(uint256 mergedRoot) external view returns (uint256 adapter);
}
