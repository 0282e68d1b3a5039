// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {ILoraLedgerRegistry} from "./interfaces/ILoraLedgerRegistry.sol";
import {IMergeVerifier} from "./interfaces/IMergeVerifier.sol";
import {IStepVerifier} from "./interfaces/IStepVerifier.sol";

/// @title LoraLedgerRegistry
/// @notice Records LoRA adapter updates whose training steps were proven with Groth16 (docs/PROTOCOL.md).
///         See ILoraLedgerRegistry for the model. Not upgradeable.
/// @dev Gas: a step costs the Groth16 verification (~231k: 4 pairings + 7 scalar multiplications) plus
///      the run's state (one hot slot trainer|nextStep, head, and the read-only roots) and two fresh
///      slots (adapterAfterStep, provenance). submitSteps amortizes the transaction cost, the run's cold
///      reads and its first head/nextStep writes over the batch. The verifier is called with STATICCALL
///      (a view function), so it cannot re-enter or observe a half-updated run. recordMerge is a separate
///      path (its own storage, a verifier with 4 public inputs); it never touches a run's state.
contract LoraLedgerRegistry is ILoraLedgerRegistry, AccessControl, Pausable {
    /// @inheritdoc ILoraLedgerRegistry
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @inheritdoc ILoraLedgerRegistry
    bytes32 public constant VERIFIER_ADMIN_ROLE = keccak256("VERIFIER_ADMIN_ROLE");

    /// @inheritdoc ILoraLedgerRegistry
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @dev Index of each public input in the array given to the verifier (PROTOCOL §7).
    uint256 private constant IN_BASE_ROOT = 0;
    uint256 private constant IN_DATASET_ROOT = 1;
    uint256 private constant IN_HPARAMS_HASH = 2;
    uint256 private constant IN_ADAPTER_BEFORE = 3;
    uint256 private constant IN_ADAPTER_AFTER = 4;
    uint256 private constant IN_STEP = 5;
    uint256 private constant IN_SUBMITTER = 6;

    /// @inheritdoc ILoraLedgerRegistry
    uint256 public immutable deploymentBlock;

    /// @inheritdoc ILoraLedgerRegistry
    uint256 public runCount;
    /// @inheritdoc ILoraLedgerRegistry
    uint256 public baseModelCount;
    /// @inheritdoc ILoraLedgerRegistry
    uint256 public datasetCount;

    mapping(uint256 baseRoot => BaseModel model) private _baseModels;
    mapping(uint256 datasetRoot => Dataset dataset) private _datasets;
    mapping(bytes32 circuitId => VerifierRecord record) private _verifiers;
    mapping(uint256 runId => Run run) private _runs;
    mapping(uint256 runId => mapping(address prover => bool)) private _provers;
    mapping(uint256 runId => mapping(uint64 step => uint256 adapterAfter)) private _adapterAfterStep;
    mapping(uint256 adapter => StepProvenance provenance) private _provenance;
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

    /// @inheritdoc ILoraLedgerRegistry
    function registerBaseModel(uint256 baseRoot, string calldata uri) external {
        _requireValidRoot(baseRoot);
        BaseModel storage model = _baseModels[baseRoot];
        address registrant = model.registrant;
        if (registrant != address(0)) revert LoraLedger__BaseModelAlreadyRegistered(baseRoot, registrant);
        model.registrant = msg.sender;
        model.registeredBlock = uint64(block.number);
        model.uri = uri;
        // unchecked: one increment per registered root, far below 2^256.
        unchecked {
            ++baseModelCount;
        }
        emit BaseModelRegistered(baseRoot, msg.sender, uri);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function registerDataset(uint256 datasetRoot, uint64 size, string calldata uri) external {
        _requireValidRoot(datasetRoot);
        if (size == 0) revert LoraLedger__InvalidDatasetSize(size);
        Dataset storage dataset = _datasets[datasetRoot];
        address registrant = dataset.registrant;
        if (registrant != address(0)) revert LoraLedger__DatasetAlreadyRegistered(datasetRoot, registrant);
        dataset.registrant = msg.sender;
        dataset.registeredBlock = uint64(block.number);
        dataset.size = size;
        dataset.uri = uri;
        // unchecked: one increment per registered root, far below 2^256.
        unchecked {
            ++datasetCount;
        }
        emit DatasetRegistered(datasetRoot, msg.sender, size, uri);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function registerVerifier(bytes32 circuitId, address verifier) external onlyRole(VERIFIER_ADMIN_ROLE) {
        if (circuitId == bytes32(0)) revert LoraLedger__InvalidCircuitId(circuitId);
        if (verifier == address(0)) revert LoraLedger__ZeroAddress();
        if (verifier.code.length == 0) revert LoraLedger__VerifierNotAContract(verifier);
        VerifierRecord storage record = _verifiers[circuitId];
        address existing = record.verifier;
        if (existing != address(0)) revert LoraLedger__VerifierAlreadyRegistered(circuitId, existing);
        _verifiers[circuitId] = VerifierRecord({
            verifier: verifier,
            registeredBlock: uint64(block.number),
            retired: false
        });
        emit VerifierRegistered(circuitId, verifier);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function retireVerifier(bytes32 circuitId) external onlyRole(VERIFIER_ADMIN_ROLE) {
        address verifier = _activeVerifier(circuitId);
        _verifiers[circuitId].retired = true;
        emit VerifierRetired(circuitId, verifier);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ILoraLedgerRegistry
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------------------------------------
    // Runs and steps
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistry
    function startRun(
        uint256 baseRoot,
        uint256 datasetRoot,
        uint256 hparamsHash,
        bytes32 circuitId,
        uint256 initialAdapter
    ) external whenNotPaused returns (uint256 runId) {
        // Registered roots are non-zero field elements (checked at registration).
        if (_baseModels[baseRoot].registrant == address(0)) revert LoraLedger__UnknownBaseModel(baseRoot);
        if (_datasets[datasetRoot].registrant == address(0)) revert LoraLedger__UnknownDataset(datasetRoot);
        if (hparamsHash >= SNARK_SCALAR_FIELD) revert LoraLedger__NotAFieldElement(hparamsHash);
        if (initialAdapter >= SNARK_SCALAR_FIELD) revert LoraLedger__NotAFieldElement(initialAdapter);
        _activeVerifier(circuitId);

        // unchecked: one increment per run, far below 2^256 (and below 2^192, see StepProvenance).
        unchecked {
            runId = ++runCount;
        }
        _runs[runId] = Run({
            trainer: msg.sender,
            nextStep: 0,
            circuitId: circuitId,
            baseRoot: baseRoot,
            datasetRoot: datasetRoot,
            hparamsHash: hparamsHash,
            head: initialAdapter,
            initialAdapter: initialAdapter,
            startBlock: uint64(block.number)
        });
        emit RunStarted(runId, baseRoot, datasetRoot, msg.sender, circuitId, hparamsHash, initialAdapter);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function setProver(uint256 runId, address prover, bool authorized) external {
        address trainer = _runs[runId].trainer;
        if (trainer == address(0)) revert LoraLedger__UnknownRun(runId);
        if (msg.sender != trainer) revert LoraLedger__NotTrainer(runId, msg.sender);
        if (prover == address(0)) revert LoraLedger__ZeroAddress();
        _provers[runId][prover] = authorized;
        emit ProverSet(runId, prover, authorized);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function submitStep(uint256 runId, uint256 adapterAfter, Proof calldata proof) external whenNotPaused {
        Run storage run = _runs[runId];
        (uint256[7] memory inputs, IStepVerifier verifier) = _openSubmission(run, runId);
        _verifyAndRecord(run, runId, verifier, inputs, adapterAfter, proof);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function submitSteps(uint256 runId, StepSubmission[] calldata steps) external whenNotPaused {
        uint256 count = steps.length;
        if (count == 0) revert LoraLedger__EmptyBatch(runId);
        Run storage run = _runs[runId];
        (uint256[7] memory inputs, IStepVerifier verifier) = _openSubmission(run, runId);
        for (uint256 i; i < count;) {
            StepSubmission calldata submission = steps[i];
            _verifyAndRecord(run, runId, verifier, inputs, submission.adapterAfter, submission.proof);
            // unchecked: i < count, a calldata array length, so ++i cannot overflow.
            unchecked {
                ++i;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Merges
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistry
    function recordMerge(
        uint256 runId,
        uint64 step,
        bytes32 mergeCircuitId,
        uint256 mergedRoot,
        Proof calldata proof
    ) external whenNotPaused {
        Run storage run = _runs[runId];
        if (run.trainer == address(0)) revert LoraLedger__UnknownRun(runId);
        if (step >= run.nextStep) revert LoraLedger__StepNotVerified(runId, step);
        IMergeVerifier verifier = IMergeVerifier(_activeVerifier(mergeCircuitId));
        if (mergedRoot >= SNARK_SCALAR_FIELD) revert LoraLedger__MergedRootNotAFieldElement(runId, step, mergedRoot);
        uint256 adapter = _adapterAfterStep[runId][step];
        MergeRecord storage record = _merges[adapter];
        if (record.recorder != address(0)) revert LoraLedger__MergeAlreadyRecorded(adapter, record.mergedRoot);

        if (!_verifyMerge(verifier, proof, run.baseRoot, adapter, run.hparamsHash, mergedRoot)) {
            revert LoraLedger__InvalidMergeProof(runId, step);
        }

        // runId <= runCount, one per startRun transaction: < 2^64. step < nextStep, and every verified
        // step is < 2^32 (the circuit range-checks it, PROTOCOL §4).
        record.mergedRoot = mergedRoot;
        record.recorder = msg.sender;
        record.runId = uint64(runId);
        record.step = uint32(step);
        // The first adapter recorded for a merged root keeps it (two factorizations B A can be equal).
        if (_mergedAdapter[mergedRoot] == 0) _mergedAdapter[mergedRoot] = adapter;
        emit MergeVerified(runId, adapter, mergedRoot, step, msg.sender);
    }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc ILoraLedgerRegistry
    function getBaseModel(uint256 baseRoot) external view returns (BaseModel memory) {
        return _baseModels[baseRoot];
    }

    /// @inheritdoc ILoraLedgerRegistry
    function getDataset(uint256 datasetRoot) external view returns (Dataset memory) {
        return _datasets[datasetRoot];
    }

    /// @inheritdoc ILoraLedgerRegistry
    function verifierOf(bytes32 circuitId) external view returns (VerifierRecord memory) {
        return _verifiers[circuitId];
    }

    /// @inheritdoc ILoraLedgerRegistry
    function getRun(uint256 runId) external view returns (Run memory run) {
        run = _runs[runId];
        if (run.trainer == address(0)) revert LoraLedger__UnknownRun(runId);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function isProver(uint256 runId, address account) external view returns (bool) {
        return _provers[runId][account];
    }

    /// @inheritdoc ILoraLedgerRegistry
    function canSubmit(uint256 runId, address account) external view returns (bool) {
        address trainer = _runs[runId].trainer;
        return trainer != address(0) && (account == trainer || _provers[runId][account]);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function adapterAfterStep(uint256 runId, uint64 step) external view returns (uint256) {
        Run storage run = _runs[runId];
        if (run.trainer == address(0)) revert LoraLedger__UnknownRun(runId);
        if (step >= run.nextStep) revert LoraLedger__StepNotVerified(runId, step);
        return _adapterAfterStep[runId][step];
    }

    /// @inheritdoc ILoraLedgerRegistry
    function provenanceOf(
        uint256 adapter
    ) external view returns (bool verified, uint256 runId, uint64 step, uint256 baseRoot, uint256 datasetRoot) {
        StepProvenance memory provenance = _provenance[adapter];
        if (provenance.runId == 0) return (false, 0, 0, 0, 0);
        Run storage run = _runs[provenance.runId];
        return (true, provenance.runId, provenance.step, run.baseRoot, run.datasetRoot);
    }

    /// @inheritdoc ILoraLedgerRegistry
    function mergeOf(uint256 adapter) external view returns (MergeRecord memory) {
        return _merges[adapter];
    }

    /// @inheritdoc ILoraLedgerRegistry
    function mergedProvenanceOf(
        uint256 mergedRoot
    )
        external
        view
        returns (bool verified, uint256 runId, uint64 step, uint256 adapter, uint256 baseRoot, uint256 datasetRoot)
    {
        adapter = _mergedAdapter[mergedRoot];
        MergeRecord memory record = _merges[adapter];
        // An unknown root maps to adapter 0, whose record (if any) is for another root.
        if (record.recorder == address(0) || record.mergedRoot != mergedRoot) return (false, 0, 0, 0, 0, 0);
        Run storage run = _runs[record.runId];
        return (true, record.runId, record.step, adapter, run.baseRoot, run.datasetRoot);
    }

    /// @notice ERC-165: AccessControl's interfaces and ILoraLedgerRegistry.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(ILoraLedgerRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _requireValidRoot(uint256 root) private pure {
        if (root == 0 || root >= SNARK_SCALAR_FIELD) revert LoraLedger__InvalidRoot(root);
    }

    /// @dev The verifier of a registered, non-retired circuit id (one SLOAD), or a revert.
    function _activeVerifier(bytes32 circuitId) private view returns (address verifier) {
        VerifierRecord storage record = _verifiers[circuitId];
        verifier = record.verifier;
        if (verifier == address(0)) revert LoraLedger__UnknownVerifier(circuitId);
        if (record.retired) revert LoraLedger__RetiredVerifier(circuitId, verifier);
    }

    /**
     * @dev IMergeVerifier(verifier).verifyProof(proof.a, proof.b, proof.c, [baseRoot, adapter, hparamsHash,
     * mergedRoot]) (PROTOCOL §9 order) as a STATICCALL; false when the call reverts or does not return
     * true. Written in assembly so that the merge path shares no ABI-encoding helper with the step path:
     * shared, the optimizer outlines them and every verified step pays ~29 gas more. The calldata is the
     * selector, the proof's 8 static words (a, b, c: the ABI layout of uint256[2], uint256[2][2],
     * uint256[2]) and the 4 inputs; it is written past the free memory pointer, which is not moved.
     */
    function _verifyMerge(
        IMergeVerifier verifier,
        Proof calldata proof,
        uint256 baseRoot,
        uint256 adapter,
        uint256 hparamsHash,
        uint256 mergedRoot
    ) private view returns (bool valid) {
        bytes4 selector = IMergeVerifier.verifyProof.selector;
        // Inline assembly on purpose (see @dev above).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let data := mload(0x40)
            mstore(data, selector)
            calldatacopy(add(data, 0x04), proof, 0x100)
            mstore(add(data, 0x104), baseRoot)
            mstore(add(data, 0x124), adapter)
            mstore(add(data, 0x144), hparamsHash)
            mstore(add(data, 0x164), mergedRoot)
            let ok := staticcall(gas(), verifier, data, 0x184, 0x00, 0x20)
            valid := and(ok, and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
        }
    }

    /**
     * @dev Checks that msg.sender may submit steps of the run and that its verifier is active, and loads
     * the run's state once into the public-input array (PROTOCOL §7) that every step of the submission
     * reuses: [baseRoot, datasetRoot, hparamsHash, head, (adapterAfter), nextStep, msg.sender].
     */
    function _openSubmission(
        Run storage run,
        uint256 runId
    ) private view returns (uint256[7] memory inputs, IStepVerifier verifier) {
        address trainer = run.trainer;
        if (trainer == address(0)) revert LoraLedger__UnknownRun(runId);
        if (msg.sender != trainer && !_provers[runId][msg.sender]) {
            revert LoraLedger__UnauthorizedSubmitter(runId, msg.sender);
        }
        verifier = IStepVerifier(_activeVerifier(run.circuitId));
        inputs[IN_BASE_ROOT] = run.baseRoot;
        inputs[IN_DATASET_ROOT] = run.datasetRoot;
        inputs[IN_HPARAMS_HASH] = run.hparamsHash;
        inputs[IN_ADAPTER_BEFORE] = run.head;
        inputs[IN_STEP] = run.nextStep;
        inputs[IN_SUBMITTER] = uint256(uint160(msg.sender));
    }

    /**
     * @dev Verifies one step against `inputs` (the run's state as of this step), then updates the run
     * (head, nextStep), records the step's adapter and its provenance, emits StepVerified, and advances
     * `inputs` to the next step. Within a batch the run's slots are already dirty after the first step,
     * so rewriting head and nextStep per step costs ~200 gas and keeps the run consistent at every event.
     */
    function _verifyAndRecord(
        Run storage run,
        uint256 runId,
        IStepVerifier verifier,
        uint256[7] memory inputs,
        uint256 adapterAfter,
        Proof calldata proof
    ) private {
        // inputs[IN_STEP] is the run's nextStep (a uint64), advanced by one per verified step below.
        uint64 step = uint64(inputs[IN_STEP]);
        if (adapterAfter >= SNARK_SCALAR_FIELD) revert LoraLedger__AdapterNotAFieldElement(runId, step, adapterAfter);
        inputs[IN_ADAPTER_AFTER] = adapterAfter;
        if (!verifier.verifyProof(proof.a, proof.b, proof.c, inputs)) revert LoraLedger__InvalidStepProof(runId, step);

        uint64 next;
        // unchecked: the circuit range-checks step to 32 bits (PROTOCOL §4), so a verified step is
        // < 2^32 and step + 1 cannot overflow the uint64.
        unchecked {
            next = step + 1;
        }
        uint256 adapterBefore = inputs[IN_ADAPTER_BEFORE];
        run.head = adapterAfter;
        run.nextStep = next;
        _adapterAfterStep[runId][step] = adapterAfter;
        if (_provenance[adapterAfter].runId == 0) {
            // The first verified producer of an adapter keeps its provenance. runId <= runCount < 2^192.
            _provenance[adapterAfter] = StepProvenance({runId: uint192(runId), step: step});
        }
        emit StepVerified(runId, step, adapterAfter, adapterBefore, msg.sender);

        inputs[IN_ADAPTER_BEFORE] = adapterAfter;
        inputs[IN_STEP] = next;
    }
}
