// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";

import {IGroth16Verifier5, IGroth16Verifier6, IGroth16Verifier9} from "./interfaces/IGroth16Verifiers.sol";
import {ILoraLedgerRegistryV2} from "./interfaces/ILoraLedgerRegistryV2.sol";

/// @title LoraLedgerRegistryV2
/// @notice The registry of Protocol version 2 (docs/PROTOCOL.md §11–§13): proven base projections, runs
///         from a proven start, checkpoints of k steps with their proven loss, and merges in blocks bound
///         to their adapter's run and step count. See ILoraLedgerRegistryV2 for the model. Not upgradeable.
/// @dev Every verifier is called with a high-level call to a view function (STATICCALL): it cannot
///      re-enter or observe a half-updated run. Verifiers are checked by kind before use, so a verifier
///      of one statement is never asked about another's public inputs. A checkpoint writes at most one
///      new storage slot (its adapter's provenance, when the adapter is new); its history is in events.
///      Registration hashes with PoseidonT4 (poseidon-solidity, circomlib's parameters), a linked library.
contract LoraLedgerRegistryV2 is ILoraLedgerRegistryV2, AccessControl, Pausable {
    /// @inheritdoc ILoraLedgerRegistryV2
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @inheritdoc ILoraLedgerRegistryV2
    bytes32 public constant VERIFIER_ADMIN_ROLE = keccak256("VERIFIER_ADMIN_ROLE");

    /// @inheritdoc ILoraLedgerRegistryV2
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @dev The submitter's bits in a checkpoint's packed public input nextStep · 2^160 + submitter.
    uint256 private constant SUBMITTER_BITS = 160;

    /// @dev PROTOCOL §5 and §11's domain tags of the dataset and base model roots.
    uint256 private constant TAG_DATASET = 4;
    uint256 private constant TAG_BASE_MODEL = 10;

    /// @inheritdoc ILoraLedgerRegistryV2
    uint256 public immutable deploymentBlock;

    /// @inheritdoc ILoraLedgerRegistryV2
    uint256 public runCount;

    /// @dev stored without uri: each publisher's is in _baseModelUris
    mapping(uint256 baseRoot => BaseModel model) private _baseModels;
    mapping(uint256 baseRoot => mapping(address publisher => string uri)) private _baseModelUris;
    /// @dev stored without uri: each publisher's is in _datasetUris
    mapping(uint256 datasetRoot => Dataset dataset) private _datasets;
    mapping(uint256 datasetRoot => mapping(address publisher => string uri)) private _datasetUris;
    mapping(bytes32 circuitId => VerifierRecord record) private _verifiers;
    /// @dev keyed by keccak256(baseRoot, datasetRoot, circuitId)
    mapping(bytes32 key => ProjectionProgress progress) private _projectionProgress;
    /// @dev keyed by keccak256(baseRoot, datasetRoot): the first completed projection's id
    mapping(bytes32 key => uint256 projectionId) private _projections;
    mapping(uint256 runId => Run run) private _runs;
    mapping(uint256 runId => mapping(address prover => bool)) private _provers;
    mapping(uint256 adapter => AdapterProvenance provenance) private _provenance;
    /// @dev keyed by keccak256(adapter, circuitId)
    mapping(bytes32 key => MergeProgress progress) private _mergeProgress;
    mapping(uint256 adapter => MergeRecord merge) private _merges;
    mapping(uint256 mergedRoot => uint256 adapter) private _mergedAdapter;

    /// @notice Grants the registry's roles to `admin` and records the deployment block.
    /// @param admin receives DEFAULT_ADMIN_ROLE, VERIFIER_ADMIN_ROLE and PAUSER_ROLE
    constructor(address admin) {
        if (admin == address(0)) revert LoraLedger__ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(VERIFIER_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        deploymentBlock = block.number;
    }

    // ---------------------------------------------------------------------------------------------
    // Registration
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistryV2
    function registerBaseModel(
        uint256 treeRoot,
        uint64 blocks,
        string calldata uri
    ) external returns (uint256 baseRoot) {
        if (treeRoot >= SNARK_SCALAR_FIELD) revert LoraLedger__InvalidTreeRoot(treeRoot);
        if (blocks == 0) revert LoraLedger__InvalidBlockCount(blocks);
        baseRoot = PoseidonT4.hash([TAG_BASE_MODEL, treeRoot, uint256(blocks)]);
        BaseModel storage model = _baseModels[baseRoot];
        if (model.registrant == address(0)) {
            model.registrant = msg.sender;
            model.registeredBlock = uint64(block.number);
            model.blocks = blocks;
            model.treeRoot = treeRoot;
            emit BaseModelRegistered(baseRoot, msg.sender, treeRoot, blocks);
        }
        _baseModelUris[baseRoot][msg.sender] = uri;
        emit BaseModelUriPublished(baseRoot, msg.sender, uri);
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function registerDataset(
        uint256 treeRoot,
        uint64 size,
        string calldata uri
    ) external returns (uint256 datasetRoot) {
        if (treeRoot >= SNARK_SCALAR_FIELD) revert LoraLedger__InvalidTreeRoot(treeRoot);
        if (size == 0) revert LoraLedger__InvalidDatasetSize(size);
        datasetRoot = PoseidonT4.hash([TAG_DATASET, treeRoot, uint256(size)]);
        Dataset storage dataset = _datasets[datasetRoot];
        if (dataset.registrant == address(0)) {
            dataset.registrant = msg.sender;
            dataset.registeredBlock = uint64(block.number);
            dataset.size = size;
            dataset.treeRoot = treeRoot;
            emit DatasetRegistered(datasetRoot, msg.sender, treeRoot, size);
        }
        _datasetUris[datasetRoot][msg.sender] = uri;
        emit DatasetUriPublished(datasetRoot, msg.sender, uri);
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function registerVerifier(
        bytes32 circuitId,
        address verifier,
        VerifierKind kind,
        uint16 count,
        bytes32 shapeId
    ) external onlyRole(VERIFIER_ADMIN_ROLE) {
        if (circuitId == bytes32(0)) revert LoraLedger__InvalidCircuitId(circuitId);
        if (verifier == address(0)) revert LoraLedger__ZeroAddress();
        if (verifier.code.length == 0) revert LoraLedger__VerifierNotAContract(verifier);
        if (kind == VerifierKind.None || count == 0 || (kind == VerifierKind.RunStart && count != 1)) {
            revert LoraLedger__InvalidVerifierMetadata(kind, count);
        }
        address existing = _verifiers[circuitId].verifier;
        if (existing != address(0)) revert LoraLedger__VerifierAlreadyRegistered(circuitId, existing);
        _verifiers[circuitId] = VerifierRecord({
            verifier: verifier,
            registeredBlock: uint64(block.number),
            retired: false,
            kind: kind,
            count: count,
            shapeId: shapeId
        });
        emit VerifierRegistered(circuitId, verifier, kind, count, shapeId);
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function retireVerifier(bytes32 circuitId) external onlyRole(VERIFIER_ADMIN_ROLE) {
        VerifierRecord storage record = _verifiers[circuitId];
        address verifier = record.verifier;
        if (verifier == address(0)) revert LoraLedger__UnknownVerifier(circuitId);
        if (record.retired) revert LoraLedger__RetiredVerifier(circuitId, verifier);
        record.retired = true;
        emit VerifierRetired(circuitId, verifier);
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------------------------------------
    // Base projections
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistryV2
    function submitProjectionBlock(
        uint256 baseRoot,
        uint256 datasetRoot,
        bytes32 circuitId,
        uint256 accOut,
        Proof calldata proof
    ) external whenNotPaused {
        (address verifier, uint16 blocks) = _activeVerifier(circuitId, VerifierKind.ProjectionBlock);
        _requireBaseBlocks(baseRoot, circuitId, blocks);
        if (_datasets[datasetRoot].registrant == address(0)) revert LoraLedger__UnknownDataset(datasetRoot);
        ProjectionProgress storage progress = _projectionProgress[
            keccak256(abi.encode(baseRoot, datasetRoot, circuitId))
        ];
        uint16 blockIndex = progress.nextBlock;
        if (blockIndex == blocks) revert LoraLedger__ProjectionAlreadyComplete(baseRoot, datasetRoot, circuitId);
        uint256[5] memory inputs = [baseRoot, datasetRoot, uint256(blockIndex), progress.acc, accOut];
        if (!IGroth16Verifier5(verifier).verifyProof(proof.a, proof.b, proof.c, inputs)) {
            revert LoraLedger__InvalidProjectionProof(baseRoot, datasetRoot, blockIndex);
        }

        progress.acc = accOut;
        // unchecked: blockIndex < blocks <= type(uint16).max.
        unchecked {
            progress.nextBlock = blockIndex + 1;
        }
        emit ProjectionBlockVerified(baseRoot, datasetRoot, circuitId, blockIndex, accOut);
        if (blockIndex + 1 == blocks) {
            bytes32 pairKey = keccak256(abi.encode(baseRoot, datasetRoot));
            // Every complete projection of a pair has the same id (w is a function of W0 and the
            // challenge); the first one is kept.
            if (_projections[pairKey] == 0) _projections[pairKey] = accOut;
            emit ProjectionCompleted(baseRoot, datasetRoot, accOut);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Runs and checkpoints
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistryV2
    function startRun(RunStart calldata start, Proof calldata proof) external whenNotPaused returns (uint256 runId) {
        (address startVerifier, uint256 projectionId) = _checkStart(start);
        if (!_verifyStart(startVerifier, start, projectionId, proof)) revert LoraLedger__InvalidStartProof();
        // unchecked: one increment per run, far below 2^64 (AdapterProvenance keeps 192 bits).
        unchecked {
            runId = ++runCount;
        }
        _recordStart(runId, start, projectionId);
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function setProver(uint256 runId, address prover, bool authorized) external {
        address trainer = _runs[runId].trainer;
        if (trainer == address(0)) revert LoraLedger__UnknownRun(runId);
        if (msg.sender != trainer) revert LoraLedger__NotTrainer(runId, msg.sender);
        if (prover == address(0)) revert LoraLedger__ZeroAddress();
        _provers[runId][prover] = authorized;
        emit ProverSet(runId, prover, authorized);
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function submitCheckpoint(
        uint256 runId,
        uint256 adapterAfter,
        uint256 loss,
        Proof calldata proof
    ) external whenNotPaused {
        _requireFieldElement(adapterAfter);
        _requireFieldElement(loss);
        Run storage run = _runs[runId];
        (uint256[5] memory inputs, address verifier, uint16 steps) = _openSubmission(run, runId);
        _verifyAndRecord(run, runId, verifier, steps, inputs, adapterAfter, loss, proof);
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function submitCheckpoints(uint256 runId, CheckpointSubmission[] calldata checkpoints) external whenNotPaused {
        uint256 count = checkpoints.length;
        if (count == 0) revert LoraLedger__EmptyBatch(runId);
        // Every claimed value is checked before the first (expensive) verification.
        for (uint256 i; i < count; ++i) {
            _requireFieldElement(checkpoints[i].adapterAfter);
            _requireFieldElement(checkpoints[i].loss);
        }
        Run storage run = _runs[runId];
        (uint256[5] memory inputs, address verifier, uint16 steps) = _openSubmission(run, runId);
        for (uint256 i; i < count; ++i) {
            CheckpointSubmission calldata checkpoint = checkpoints[i];
            _verifyAndRecord(
                run,
                runId,
                verifier,
                steps,
                inputs,
                checkpoint.adapterAfter,
                checkpoint.loss,
                checkpoint.proof
            );
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Merges
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistryV2
    function submitMergeBlock(
        uint256 adapter,
        bytes32 circuitId,
        uint256 accOut,
        Proof calldata proof
    ) external whenNotPaused {
        AdapterProvenance memory producer = _provenance[adapter];
        if (producer.runId == 0) revert LoraLedger__AdapterNotVerified(adapter);
        MergeRecord storage record = _merges[adapter];
        if (record.recorder != address(0)) revert LoraLedger__MergeAlreadyRecorded(adapter, record.mergedRoot);
        Run storage run = _runs[producer.runId];
        (address verifier, uint16 blocks) = _activeVerifier(circuitId, VerifierKind.MergeBlock);
        _requireBaseBlocks(run.baseRoot, circuitId, blocks);
        MergeProgress storage progress = _mergeProgress[keccak256(abi.encode(adapter, circuitId))];
        uint16 blockIndex = progress.nextBlock;
        uint256[6] memory inputs = [
            run.baseRoot,
            adapter,
            uint256(run.alpha),
            uint256(blockIndex),
            progress.acc,
            accOut
        ];
        if (!IGroth16Verifier6(verifier).verifyProof(proof.a, proof.b, proof.c, inputs)) {
            revert LoraLedger__InvalidMergeProof(adapter, blockIndex);
        }

        progress.acc = accOut;
        // unchecked: blockIndex < blocks <= type(uint16).max (the record is written at blocks).
        unchecked {
            progress.nextBlock = blockIndex + 1;
        }
        emit MergeBlockVerified(adapter, circuitId, blockIndex, producer.runId, producer.steps);
        if (blockIndex + 1 == blocks) {
            record.mergedRoot = accOut;
            record.recorder = msg.sender;
            record.circuitId = circuitId;
            // The first adapter recorded for a merged root keeps it (two adapters can merge alike).
            if (_mergedAdapter[accOut] == 0) _mergedAdapter[accOut] = adapter;
            emit MergeVerified(producer.runId, adapter, accOut, producer.steps, msg.sender);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reports
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistryV2
    function reportEvaluations(uint256 runId, Evaluation[] calldata evaluations) external {
        Run storage run = _runs[runId];
        address trainer = run.trainer;
        if (trainer == address(0)) revert LoraLedger__UnknownRun(runId);
        if (msg.sender != trainer) revert LoraLedger__NotTrainer(runId, msg.sender);
        uint256 count = evaluations.length;
        if (count == 0) revert LoraLedger__EmptyBatch(runId);
        uint64 nextStep = run.nextStep;
        // k of the run's checkpoint instance, read even when retired: its verified adapters stay verified.
        uint64 k = _verifiers[run.checkpointCircuitId].count;
        for (uint256 i = 0; i < count; ++i) {
            Evaluation calldata evaluation = evaluations[i];
            uint64 steps = evaluation.steps;
            if (steps > nextStep || steps % k != 0) revert LoraLedger__UnverifiedSteps(runId, steps, nextStep);
            if (evaluation.denominator == 0 || bytes(evaluation.metric).length == 0) {
                revert LoraLedger__InvalidEvaluation(runId, steps);
            }
            emit EvaluationReported(
                runId,
                steps,
                msg.sender,
                evaluation.metric,
                evaluation.split,
                evaluation.numerator,
                evaluation.denominator
            );
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistryV2
    function getBaseModel(uint256 baseRoot) external view returns (BaseModel memory model) {
        model = _baseModels[baseRoot];
        model.uri = _baseModelUris[baseRoot][model.registrant];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function getDataset(uint256 datasetRoot) external view returns (Dataset memory dataset) {
        dataset = _datasets[datasetRoot];
        dataset.uri = _datasetUris[datasetRoot][dataset.registrant];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function baseModelUri(uint256 baseRoot, address publisher) external view returns (string memory) {
        return _baseModelUris[baseRoot][publisher];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function datasetUri(uint256 datasetRoot, address publisher) external view returns (string memory) {
        return _datasetUris[datasetRoot][publisher];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function verifierOf(bytes32 circuitId) external view returns (VerifierRecord memory) {
        return _verifiers[circuitId];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function projectionOf(uint256 baseRoot, uint256 datasetRoot) external view returns (uint256) {
        return _projections[keccak256(abi.encode(baseRoot, datasetRoot))];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function projectionProgress(
        uint256 baseRoot,
        uint256 datasetRoot,
        bytes32 circuitId
    ) external view returns (ProjectionProgress memory) {
        return _projectionProgress[keccak256(abi.encode(baseRoot, datasetRoot, circuitId))];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function getRun(uint256 runId) external view returns (Run memory) {
        return _runs[runId];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function isProver(uint256 runId, address account) external view returns (bool) {
        return _provers[runId][account];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function canSubmit(uint256 runId, address account) external view returns (bool) {
        Run storage run = _runs[runId];
        address trainer = run.trainer;
        if (trainer == address(0) || paused() || _verifiers[run.checkpointCircuitId].retired) return false;
        return account == trainer || _provers[runId][account];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function provenanceOf(uint256 adapter) public view returns (Provenance memory answer) {
        AdapterProvenance memory producer = _provenance[adapter];
        if (producer.runId == 0) return answer;
        Run storage run = _runs[producer.runId];
        VerifierRecord storage record = _verifiers[run.checkpointCircuitId];
        answer = Provenance({
            verified: true,
            runId: producer.runId,
            steps: producer.steps,
            runSteps: run.nextStep,
            baseRoot: run.baseRoot,
            datasetRoot: run.datasetRoot,
            projectionId: run.projectionId,
            alpha: run.alpha,
            lr: run.lr,
            seed: run.seed,
            parentRunId: run.parentRunId,
            parentSteps: run.parentSteps,
            checkpointCircuitId: run.checkpointCircuitId,
            verifier: record.verifier,
            verifierRetired: record.retired
        });
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function lineageOf(uint256 adapter, uint256 maxRuns) external view returns (Provenance[] memory lineage) {
        Provenance[] memory found = new Provenance[](maxRuns);
        uint256 count;
        Provenance memory entry = provenanceOf(adapter);
        while (entry.verified && count < maxRuns) {
            found[count] = entry;
            ++count;
            if (entry.parentRunId == 0) break;
            // A continued run's start was produced first by its parent: follow it.
            entry = provenanceOf(_runs[entry.runId].adapterStart);
        }
        lineage = new Provenance[](count);
        for (uint256 i; i < count; ++i) lineage[i] = found[i];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function mergeProgress(uint256 adapter, bytes32 circuitId) external view returns (MergeProgress memory) {
        return _mergeProgress[keccak256(abi.encode(adapter, circuitId))];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function mergeOf(uint256 adapter) external view returns (MergeRecord memory) {
        return _merges[adapter];
    }

    /// @inheritdoc ILoraLedgerRegistryV2
    function mergedAdapterOf(uint256 mergedRoot) external view returns (uint256) {
        return _mergedAdapter[mergedRoot];
    }

    /// @notice ERC-165: AccessControl's interfaces and ILoraLedgerRegistryV2.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(ILoraLedgerRegistryV2).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _requireFieldElement(uint256 value) private pure {
        if (value >= SNARK_SCALAR_FIELD) revert LoraLedger__NotAFieldElement(value);
    }

    /// @dev The verifier and count of a registered, non-retired circuit id of `kind` (one SLOAD), or a revert.
    function _activeVerifier(
        bytes32 circuitId,
        VerifierKind kind
    ) private view returns (address verifier, uint16 count) {
        VerifierRecord storage record = _verifiers[circuitId];
        verifier = record.verifier;
        if (verifier == address(0)) revert LoraLedger__UnknownVerifier(circuitId);
        if (record.retired) revert LoraLedger__RetiredVerifier(circuitId, verifier);
        if (record.kind != kind) revert LoraLedger__WrongVerifierKind(circuitId, kind, record.kind);
        count = record.count;
    }

    /// @dev The base model is registered and has as many column blocks as the instance proves.
    function _requireBaseBlocks(uint256 baseRoot, bytes32 circuitId, uint16 count) private view {
        BaseModel storage model = _baseModels[baseRoot];
        if (model.registrant == address(0)) revert LoraLedger__UnknownBaseModel(baseRoot);
        if (model.blocks != count) revert LoraLedger__BlockCountMismatch(circuitId, count, model.blocks);
    }

    function _requireSameShape(bytes32 circuitId, bytes32 otherCircuitId, bytes32 otherShapeId) private view {
        if (_verifiers[circuitId].shapeId != otherShapeId) revert LoraLedger__ShapeMismatch(circuitId, otherCircuitId);
    }

    /**
     * @dev A continued run starts from a verified adapter (its first producer is the parent) on the same
     * base model, with a checkpoint instance of the parent's shape, and names no seed.
     */
    function _requireVerifiedParent(RunStart calldata start, bytes32 shapeId) private view {
        if (start.seed != 0) revert LoraLedger__InvalidStart();
        uint256 parentRunId = _provenance[start.adapterStart].runId;
        Run storage parent = _runs[parentRunId];
        if (parentRunId == 0 || parent.baseRoot != start.baseRoot) {
            revert LoraLedger__NotAVerifiedParent(start.adapterStart);
        }
        _requireSameShape(parent.checkpointCircuitId, start.checkpointCircuitId, shapeId);
    }

    /// @dev The LoraRunStart proof against [runConfig, adapterStart, seed, fromHead, baseRoot, datasetRoot,
    ///      projectionId, alpha, lr] (PROTOCOL §12 order).
    function _verifyStart(
        address verifier,
        RunStart calldata start,
        uint256 projectionId,
        Proof calldata proof
    ) private view returns (bool) {
        uint256[9] memory inputs;
        inputs[0] = start.runConfig;
        inputs[1] = start.adapterStart;
        inputs[2] = start.seed;
        inputs[3] = start.continued ? 1 : 0;
        inputs[4] = start.baseRoot;
        inputs[5] = start.datasetRoot;
        inputs[6] = projectionId;
        inputs[7] = start.alpha;
        inputs[8] = start.lr;
        return IGroth16Verifier9(verifier).verifyProof(proof.a, proof.b, proof.c, inputs);
    }

    /**
     * @dev The checks of startRun before its proof: registered roots, nonzero hyperparameters, a completed
     * projection of the pair, active verifiers of the right kinds and one shape, and a valid start.
     */
    function _checkStart(RunStart calldata start) private view returns (address startVerifier, uint256 projectionId) {
        uint256 baseRoot = start.baseRoot;
        uint256 datasetRoot = start.datasetRoot;
        if (_baseModels[baseRoot].registrant == address(0)) revert LoraLedger__UnknownBaseModel(baseRoot);
        if (_datasets[datasetRoot].registrant == address(0)) revert LoraLedger__UnknownDataset(datasetRoot);
        if (start.alpha == 0 || start.lr == 0) revert LoraLedger__ZeroHyperparameter(start.alpha, start.lr);
        projectionId = _projections[keccak256(abi.encode(baseRoot, datasetRoot))];
        if (projectionId == 0) revert LoraLedger__ProjectionIncomplete(baseRoot, datasetRoot);
        (startVerifier, ) = _activeVerifier(start.startCircuitId, VerifierKind.RunStart);
        _activeVerifier(start.checkpointCircuitId, VerifierKind.Checkpoint);
        bytes32 shapeId = _verifiers[start.checkpointCircuitId].shapeId;
        _requireSameShape(start.startCircuitId, start.checkpointCircuitId, shapeId);
        if (start.continued) _requireVerifiedParent(start, shapeId);
    }

    /// @dev Stores a verified start: the run, its adapter at step 0 and, for a canonical start, the
    ///      adapter's provenance (a continued run's start has one already: its parent's).
    function _recordStart(uint256 runId, RunStart calldata start, uint256 projectionId) private {
        Run storage run = _runs[runId];
        run.trainer = msg.sender;
        run.checkpointCircuitId = start.checkpointCircuitId;
        run.runConfig = start.runConfig;
        run.head = start.adapterStart;
        run.baseRoot = start.baseRoot;
        run.datasetRoot = start.datasetRoot;
        run.projectionId = projectionId;
        run.adapterStart = start.adapterStart;
        run.seed = start.seed;
        run.alpha = start.alpha;
        run.lr = start.lr;
        run.startBlock = uint64(block.number);
        AdapterProvenance memory parent = _provenance[start.adapterStart];
        if (start.continued) {
            // _checkStart made sure the start is a verified adapter: its first producer is the parent.
            // runId <= runCount < 2^64, so the parent's id fits.
            run.parentRunId = uint64(parent.runId);
            run.parentSteps = parent.steps;
        } else if (parent.runId == 0) {
            // A canonical start is its adapter's origin, unless an earlier run had the same one.
            _provenance[start.adapterStart] = AdapterProvenance({runId: uint192(runId), steps: 0});
        }
        emit RunStarted(
            runId,
            start.baseRoot,
            start.datasetRoot,
            msg.sender,
            start.runConfig,
            start.adapterStart,
            run.parentRunId,
            run.parentSteps
        );
    }

    /**
     * @dev Checks that msg.sender may submit checkpoints of the run and that its checkpoint verifier is
     * active, and loads the run's state once into the public inputs every checkpoint of the submission
     * reuses: [runConfig, head, (adapterAfter), nextStep · 2^160 + msg.sender, (loss)].
     */
    function _openSubmission(
        Run storage run,
        uint256 runId
    ) private view returns (uint256[5] memory inputs, address verifier, uint16 steps) {
        address trainer = run.trainer;
        if (trainer == address(0)) revert LoraLedger__UnknownRun(runId);
        if (msg.sender != trainer && !_provers[runId][msg.sender]) {
            revert LoraLedger__UnauthorizedSubmitter(runId, msg.sender);
        }
        (verifier, steps) = _activeVerifier(run.checkpointCircuitId, VerifierKind.Checkpoint);
        inputs[0] = run.runConfig;
        inputs[1] = run.head;
        inputs[3] = (uint256(run.nextStep) << SUBMITTER_BITS) | uint256(uint160(msg.sender));
    }

    /**
     * @dev Verifies one checkpoint against `inputs` (the run's state as of this checkpoint), then advances
     * the run (head, nextStep) by `steps`, records the adapter and its provenance, emits
     * CheckpointVerified, and advances `inputs` to the next checkpoint.
     */
    function _verifyAndRecord(
        Run storage run,
        uint256 runId,
        address verifier,
        uint16 steps,
        uint256[5] memory inputs,
        uint256 adapterAfter,
        uint256 loss,
        Proof calldata proof
    ) private {
        inputs[2] = adapterAfter;
        inputs[4] = loss;
        uint64 firstStep = uint64(inputs[3] >> SUBMITTER_BITS);
        if (!IGroth16Verifier5(verifier).verifyProof(proof.a, proof.b, proof.c, inputs)) {
            revert LoraLedger__InvalidCheckpointProof(runId, firstStep);
        }

        uint64 next;
        // unchecked: the circuit range-checks the first step to 32 bits (PROTOCOL §12), and steps < 2^16.
        unchecked {
            next = firstStep + steps;
        }
        uint256 adapterBefore = inputs[1];
        run.head = adapterAfter;
        run.nextStep = next;
        // The first verified producer of an adapter keeps its provenance, so a checkpoint that changes
        // nothing (adapterAfter = adapterBefore, which has one already) gives no new provenance.
        if (_provenance[adapterAfter].runId == 0) {
            _provenance[adapterAfter] = AdapterProvenance({runId: uint192(runId), steps: next});
        }
        emit CheckpointVerified(runId, firstStep, steps, adapterAfter, adapterBefore, loss, msg.sender);

        inputs[1] = adapterAfter;
        inputs[3] = (uint256(next) << SUBMITTER_BITS) | uint256(uint160(msg.sender));
    }
}
