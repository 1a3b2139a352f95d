namespace NatsSharp.Server.JetStream.Api;

/// <summary>
/// nats-server 2.9.10's JetStream API errors (jetstream_errors_generated.go): HTTP-like code,
/// JetStream error code and text. "{err}"-style texts are filled in with <see cref="JsApiError.With"/>.
/// </summary>
internal static class JsErrors
{
    public static readonly JsApiError AccountResourcesExceededErr = new(400, 10002, "resource limits exceeded for account");

    public static readonly JsApiError BadRequestErr = new(400, 10003, "bad request");

    public static readonly JsApiError ClusterIncompleteErr = new(503, 10004, "incomplete results");

    public static readonly JsApiError ClusterNoPeersErrF = new(400, 10005, "{err}");

    public static readonly JsApiError ClusterNotActiveErr = new(500, 10006, "JetStream not in clustered mode");

    public static readonly JsApiError ClusterNotAssignedErr = new(500, 10007, "JetStream cluster not assigned to this server");

    public static readonly JsApiError ClusterNotAvailErr = new(503, 10008, "JetStream system temporarily unavailable");

    public static readonly JsApiError ClusterNotLeaderErr = new(500, 10009, "JetStream cluster can not handle request");

    public static readonly JsApiError ClusterPeerNotMemberErr = new(400, 10040, "peer not a member");

    public static readonly JsApiError ClusterRequiredErr = new(503, 10010, "JetStream clustering support required");

    public static readonly JsApiError ClusterServerNotMemberErr = new(400, 10044, "server is not a member of the cluster");

    public static readonly JsApiError ClusterTagsErr = new(400, 10011, "tags placement not supported for operation");

    public static readonly JsApiError ClusterUnSupportFeatureErr = new(503, 10036, "not currently supported in clustered mode");

    public static readonly JsApiError ConsumerBadDurableNameErr = new(400, 10103, "durable name can not contain '.', '*', '>'");

    public static readonly JsApiError ConsumerConfigRequiredErr = new(400, 10078, "consumer config required");

    public static readonly JsApiError ConsumerCreateDurableAndNameMismatch = new(400, 10132, "Consumer Durable and Name have to be equal if both are provided");

    public static readonly JsApiError ConsumerCreateErrF = new(500, 10012, "{err}");

    public static readonly JsApiError ConsumerCreateFilterSubjectMismatchErr = new(400, 10131, "Consumer create request did not match filtered subject from create subject");

    public static readonly JsApiError ConsumerDeliverCycleErr = new(400, 10081, "consumer deliver subject forms a cycle");

    public static readonly JsApiError ConsumerDeliverToWildcardsErr = new(400, 10079, "consumer deliver subject has wildcards");

    public static readonly JsApiError ConsumerDescriptionTooLongErrF = new(400, 10107, "consumer description is too long, maximum allowed is {max}");

    public static readonly JsApiError ConsumerDirectRequiresEphemeralErr = new(400, 10091, "consumer direct requires an ephemeral consumer");

    public static readonly JsApiError ConsumerDirectRequiresPushErr = new(400, 10090, "consumer direct requires a push based consumer");

    public static readonly JsApiError ConsumerDurableNameNotInSubjectErr = new(400, 10016, "consumer expected to be durable but no durable name set in subject");

    public static readonly JsApiError ConsumerDurableNameNotMatchSubjectErr = new(400, 10017, "consumer name in subject does not match durable name in request");

    public static readonly JsApiError ConsumerDurableNameNotSetErr = new(400, 10018, "consumer expected to be durable but a durable name was not set");

    public static readonly JsApiError ConsumerEphemeralWithDurableInSubjectErr = new(400, 10019, "consumer expected to be ephemeral but detected a durable name set in subject");

    public static readonly JsApiError ConsumerEphemeralWithDurableNameErr = new(400, 10020, "consumer expected to be ephemeral but a durable name was set in request");

    public static readonly JsApiError ConsumerExistingActiveErr = new(400, 10105, "consumer already exists and is still active");

    public static readonly JsApiError ConsumerFCRequiresPushErr = new(400, 10089, "consumer flow control requires a push based consumer");

    public static readonly JsApiError ConsumerFilterNotSubsetErr = new(400, 10093, "consumer filter subject is not a valid subset of the interest subjects");

    public static readonly JsApiError ConsumerHBRequiresPushErr = new(400, 10088, "consumer idle heartbeat requires a push based consumer");

    public static readonly JsApiError ConsumerInvalidDeliverSubject = new(400, 10112, "invalid push consumer deliver subject");

    public static readonly JsApiError ConsumerInvalidPolicyErrF = new(400, 10094, "{err}");

    public static readonly JsApiError ConsumerInvalidSamplingErrF = new(400, 10095, "failed to parse consumer sampling configuration: {err}");

    public static readonly JsApiError ConsumerMaxDeliverBackoffErr = new(400, 10116, "max deliver is required to be > length of backoff values");

    public static readonly JsApiError ConsumerMaxPendingAckExcessErrF = new(400, 10121, "consumer max ack pending exceeds system limit of {limit}");

    public static readonly JsApiError ConsumerMaxPendingAckPolicyRequiredErr = new(400, 10082, "consumer requires ack policy for max ack pending");

    public static readonly JsApiError ConsumerMaxRequestBatchExceededF = new(400, 10125, "consumer max request batch exceeds server limit of {limit}");

    public static readonly JsApiError ConsumerMaxRequestBatchNegativeErr = new(400, 10114, "consumer max request batch needs to be > 0");

    public static readonly JsApiError ConsumerMaxRequestExpiresToSmall = new(400, 10115, "consumer max request expires needs to be >= 1ms");

    public static readonly JsApiError ConsumerMaxWaitingNegativeErr = new(400, 10087, "consumer max waiting needs to be positive");

    public static readonly JsApiError ConsumerNameContainsPathSeparatorsErr = new(400, 10127, "Consumer name can not contain path separators");

    public static readonly JsApiError ConsumerNameExistErr = new(400, 10013, "consumer name already in use");

    public static readonly JsApiError ConsumerNameTooLongErrF = new(400, 10102, "consumer name is too long, maximum allowed is {max}");

    public static readonly JsApiError ConsumerNotFoundErr = new(404, 10014, "consumer not found");

    public static readonly JsApiError ConsumerOfflineErr = new(500, 10119, "consumer is offline");

    public static readonly JsApiError ConsumerOnMappedErr = new(400, 10092, "consumer direct on a mapped consumer");

    public static readonly JsApiError ConsumerPullNotDurableErr = new(400, 10085, "consumer in pull mode requires a durable name");

    public static readonly JsApiError ConsumerPullRequiresAckErr = new(400, 10084, "consumer in pull mode requires ack policy");

    public static readonly JsApiError ConsumerPullWithRateLimitErr = new(400, 10086, "consumer in pull mode can not have rate limit set");

    public static readonly JsApiError ConsumerPushMaxWaitingErr = new(400, 10080, "consumer in push mode can not set max waiting");

    public static readonly JsApiError ConsumerReplacementWithDifferentNameErr = new(400, 10106, "consumer replacement durable config not the same");

    public static readonly JsApiError ConsumerReplicasExceedsStream = new(400, 10126, "consumer config replica count exceeds parent stream");

    public static readonly JsApiError ConsumerSmallHeartbeatErr = new(400, 10083, "consumer idle heartbeat needs to be >= 100ms");

    public static readonly JsApiError ConsumerStoreFailedErrF = new(500, 10104, "error creating store for consumer: {err}");

    public static readonly JsApiError ConsumerWQConsumerNotDeliverAllErr = new(400, 10101, "consumer must be deliver all on workqueue stream");

    public static readonly JsApiError ConsumerWQConsumerNotUniqueErr = new(400, 10100, "filtered consumer not unique on workqueue stream");

    public static readonly JsApiError ConsumerWQMultipleUnfilteredErr = new(400, 10099, "multiple non-filtered consumers not allowed on workqueue stream");

    public static readonly JsApiError ConsumerWQRequiresExplicitAckErr = new(400, 10098, "workqueue stream requires explicit ack");

    public static readonly JsApiError ConsumerWithFlowControlNeedsHeartbeats = new(400, 10108, "consumer with flow control also needs heartbeats");

    public static readonly JsApiError InsufficientResourcesErr = new(503, 10023, "insufficient resources");

    public static readonly JsApiError InvalidJSONErr = new(400, 10025, "invalid JSON");

    public static readonly JsApiError MaximumConsumersLimitErr = new(400, 10026, "maximum consumers limit reached");

    public static readonly JsApiError MaximumStreamsLimitErr = new(400, 10027, "maximum number of streams reached");

    public static readonly JsApiError MemoryResourcesExceededErr = new(500, 10028, "insufficient memory resources available");

    public static readonly JsApiError MirrorConsumerSetupFailedErrF = new(500, 10029, "{err}");

    public static readonly JsApiError MirrorMaxMessageSizeTooBigErr = new(400, 10030, "stream mirror must have max message size >= source");

    public static readonly JsApiError MirrorWithSourcesErr = new(400, 10031, "stream mirrors can not also contain other sources");

    public static readonly JsApiError MirrorWithStartSeqAndTimeErr = new(400, 10032, "stream mirrors can not have both start seq and start time configured");

    public static readonly JsApiError MirrorWithSubjectFiltersErr = new(400, 10033, "stream mirrors can not contain filtered subjects");

    public static readonly JsApiError MirrorWithSubjectsErr = new(400, 10034, "stream mirrors can not contain subjects");

    public static readonly JsApiError NoAccountErr = new(503, 10035, "account not found");

    public static readonly JsApiError NoLimitsErr = new(400, 10120, "no JetStream default or applicable tiered limit present");

    public static readonly JsApiError NoMessageFoundErr = new(404, 10037, "no message found");

    public static readonly JsApiError NotEmptyRequestErr = new(400, 10038, "expected an empty request payload");

    public static readonly JsApiError NotEnabledErr = new(503, 10076, "JetStream not enabled");

    public static readonly JsApiError NotEnabledForAccountErr = new(503, 10039, "JetStream not enabled for account");

    public static readonly JsApiError PeerRemapErr = new(503, 10075, "peer remap failed");

    public static readonly JsApiError RaftGeneralErrF = new(500, 10041, "{err}");

    public static readonly JsApiError ReplicasCountCannotBeNegative = new(400, 10133, "replicas count cannot be negative");

    public static readonly JsApiError RestoreSubscribeFailedErrF = new(500, 10042, "JetStream unable to subscribe to restore snapshot {subject}: {err}");

    public static readonly JsApiError SequenceNotFoundErrF = new(400, 10043, "sequence {seq} not found");

    public static readonly JsApiError SnapshotDeliverSubjectInvalidErr = new(400, 10015, "deliver subject not valid");

    public static readonly JsApiError SourceConsumerSetupFailedErrF = new(500, 10045, "{err}");

    public static readonly JsApiError SourceMaxMessageSizeTooBigErr = new(400, 10046, "stream source must have max message size >= target");

    public static readonly JsApiError StorageResourcesExceededErr = new(500, 10047, "insufficient storage resources available");

    public static readonly JsApiError StreamAssignmentErrF = new(500, 10048, "{err}");

    public static readonly JsApiError StreamCreateErrF = new(500, 10049, "{err}");

    public static readonly JsApiError StreamDeleteErrF = new(500, 10050, "{err}");

    public static readonly JsApiError StreamExternalApiOverlapErrF = new(400, 10021, "stream external api prefix {prefix} must not overlap with {subject}");

    public static readonly JsApiError StreamExternalDelPrefixOverlapsErrF = new(400, 10022, "stream external delivery prefix {prefix} overlaps with stream subject {subject}");

    public static readonly JsApiError StreamGeneralErrorF = new(500, 10051, "{err}");

    public static readonly JsApiError StreamHeaderExceedsMaximumErr = new(400, 10097, "header size exceeds maximum allowed of 64k");

    public static readonly JsApiError StreamInfoMaxSubjectsErr = new(500, 10117, "subject details would exceed maximum allowed");

    public static readonly JsApiError StreamInvalidConfigF = new(500, 10052, "{err}");

    public static readonly JsApiError StreamInvalidErr = new(500, 10096, "stream not valid");

    public static readonly JsApiError StreamInvalidExternalDeliverySubjErrF = new(400, 10024, "stream external delivery prefix {prefix} must not contain wildcards");

    public static readonly JsApiError StreamLimitsErrF = new(500, 10053, "{err}");

    public static readonly JsApiError StreamMaxBytesRequired = new(400, 10113, "account requires a stream config to have max bytes set");

    public static readonly JsApiError StreamMaxStreamBytesExceeded = new(400, 10122, "stream max bytes exceeds account limit max stream bytes");

    public static readonly JsApiError StreamMessageExceedsMaximumErr = new(400, 10054, "message size exceeds maximum allowed");

    public static readonly JsApiError StreamMirrorNotUpdatableErr = new(400, 10055, "stream mirror configuration can not be updated");

    public static readonly JsApiError StreamMismatchErr = new(400, 10056, "stream name in subject does not match request");

    public static readonly JsApiError StreamMoveAndScaleErr = new(400, 10123, "can not move and scale a stream in a single update");

    public static readonly JsApiError StreamMoveInProgressF = new(400, 10124, "stream move already in progress: {msg}");

    public static readonly JsApiError StreamMoveNotInProgress = new(400, 10129, "stream move not in progress");

    public static readonly JsApiError StreamMsgDeleteFailedF = new(500, 10057, "{err}");

    public static readonly JsApiError StreamNameContainsPathSeparatorsErr = new(400, 10128, "JsStream name can not contain path separators");

    public static readonly JsApiError StreamNameExistErr = new(400, 10058, "stream name already in use with a different configuration");

    public static readonly JsApiError StreamNameExistRestoreFailedErr = new(400, 10130, "stream name already in use, cannot restore");

    public static readonly JsApiError StreamNotFoundErr = new(404, 10059, "stream not found");

    public static readonly JsApiError StreamNotMatchErr = new(400, 10060, "expected stream does not match");

    public static readonly JsApiError StreamOfflineErr = new(500, 10118, "stream is offline");

    public static readonly JsApiError StreamPurgeFailedF = new(500, 10110, "{err}");

    public static readonly JsApiError StreamReplicasNotSupportedErr = new(500, 10074, "replicas > 1 not supported in non-clustered mode");

    public static readonly JsApiError StreamReplicasNotUpdatableErr = new(400, 10061, "Replicas configuration can not be updated");

    public static readonly JsApiError StreamRestoreErrF = new(500, 10062, "restore failed: {err}");

    public static readonly JsApiError StreamRollupFailedF = new(500, 10111, "{err}");

    public static readonly JsApiError StreamSealedErr = new(400, 10109, "invalid operation on sealed stream");

    public static readonly JsApiError StreamSequenceNotMatchErr = new(503, 10063, "expected stream sequence does not match");

    public static readonly JsApiError StreamSnapshotErrF = new(500, 10064, "snapshot failed: {err}");

    public static readonly JsApiError StreamStoreFailedF = new(503, 10077, "{err}");

    public static readonly JsApiError StreamSubjectOverlapErr = new(400, 10065, "subjects overlap with an existing stream");

    public static readonly JsApiError StreamTemplateCreateErrF = new(500, 10066, "{err}");

    public static readonly JsApiError StreamTemplateDeleteErrF = new(500, 10067, "{err}");

    public static readonly JsApiError StreamTemplateNotFoundErr = new(404, 10068, "template not found");

    public static readonly JsApiError StreamUpdateErrF = new(500, 10069, "{err}");

    public static readonly JsApiError StreamWrongLastMsgIDErrF = new(400, 10070, "wrong last msg ID: {id}");

    public static readonly JsApiError StreamWrongLastSequenceErrF = new(400, 10071, "wrong last sequence: {seq}");

    public static readonly JsApiError TempStorageFailedErr = new(500, 10072, "JetStream unable to open temp storage for restore");

    public static readonly JsApiError TemplateNameNotMatchSubjectErr = new(400, 10073, "template name in subject does not match request");
}
