--
-- transform_livekit_event: LiveKit's protobuf JSON (camelCase keys, int64 as strings, enums as
-- names, zero values omitted) into the normalized facts callout acts on.
--

-- transform participant_left: the SIP leg of an inbound call hangs up after 187 s
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "participant_left",
  "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2",
           "emptyTimeout": 300, "departureTimeout": 20, "creationTime": "1767268800",
           "creationTimeMs": "1767268800297",
           "turnPassword": "Cs6QanskNFGANgprBDf2k8kX3znqLVpNpv4K5B88QGL",
           "enabledCodecs": [{"mime": "audio/opus"}, {"mime": "audio/red"}],
           "numParticipants": 1, "numPublishers": 1, "activeRecording": true,
           "version": {"unixMicro": "1767268800297321"}},
  "participant": {"sid": "PA_o5kqAT3SfDeR", "identity": "sip_+14155550123",
                  "state": "DISCONNECTED",
                  "tracks": [{"sid": "TR_43o7KYLXJLxw", "source": "MICROPHONE",
                              "mimeType": "audio/opus"}],
                  "joinedAt": "1767268801", "joinedAtMs": "1767268801046",
                  "name": "Phone +14155550123", "version": 7,
                  "permission": {"canSubscribe": true, "canPublish": true},
                  "isPublisher": true, "kind": "SIP",
                  "attributes": {"sip.callID": "SCL_NFY26D5ujP7n",
                                 "sip.callIDFull": "bb1bd102cffeef887862dc45fa5f0b18@203.0.113.10",
                                 "sip.callStatus": "hangup", "sip.callTag": "2e09293132",
                                 "sip.hostname": "pstn.twilio.com",
                                 "sip.phoneNumber": "+14155550123",
                                 "sip.ruleID": "SDR_6zpe9o75tcB3",
                                 "sip.trunkID": "ST_huK63uk5ej7m",
                                 "sip.trunkPhoneNumber": "+18005550199",
                                 "sip.twilio.callSid": "CA39c675b14ca244d2893f92b9951aa884"},
                  "disconnectReason": "CLIENT_INITIATED"},
  "id": "EV_mKUoerFN6dHW",
  "createdAt": "1767268988"
}$$::jsonb)) AS participant_left;

-- transform room_finished: duration from room.creationTime to createdAt (209 s)
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "room_finished",
  "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2",
           "emptyTimeout": 300, "departureTimeout": 20, "creationTime": "1767268800",
           "creationTimeMs": "1767268800297",
           "turnPassword": "Cs6QanskNFGANgprBDf2k8kX3znqLVpNpv4K5B88QGL",
           "version": {"unixMicro": "1767268800297321"}},
  "id": "EV_p9RYgBaKmAHT",
  "createdAt": "1767269009"
}$$::jsonb)) AS room_finished;

-- room_finished with a room end reason
SELECT e ->> 'room_end_reason' AS room_end_reason, e -> 'call_duration_s' AS call_duration_s
FROM callout.transform_livekit_event($${
  "event": "room_finished",
  "room": {"sid": "RM_qCgGFJ6ufWvH", "name": "call-_+14155550666_iumAkMargUis",
           "creationTime": "1767276600"},
  "id": "EV_s3qoYqKVTx6n", "createdAt": "1767276900",
  "roomEndReason": "ROOM_END_IDLE_TIMEOUT"
}$$::jsonb) AS e;

-- room_started
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "room_started",
  "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2",
           "creationTime": "1767268800", "turnPassword": "Cs6QanskNFGANgprBDf2k8kX3znqLVpNpv4K5B88QGL"},
  "id": "EV_EsGbNWNE3ojh", "createdAt": "1767268800"
}$$::jsonb)) AS room_started;

-- ignores non-processable: events callout does not act on give NULL
SELECT name, callout.transform_livekit_event(payload) IS NULL AS ignored
FROM (VALUES
    ('track_published', $${"event": "track_published",
        "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2"},
        "participant": {"sid": "PA_o5kqAT3SfDeR", "identity": "sip_+14155550123"},
        "track": {"sid": "TR_43o7KYLXJLxw", "source": "MICROPHONE"},
        "id": "EV_aEPbJSvVadpH", "createdAt": "1767268802"}$$::jsonb),
    ('egress_started', $${"event": "egress_started",
        "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2"},
        "egressInfo": {"egressId": "EG_KsRdsrTsRUsL", "roomId": "RM_MwNsaNSjtNNy",
                       "fileResults": [{"filename": "calls/a.ogg"}]},
        "id": "EV_y9sWWuVQG6mK", "createdAt": "1767268803"}$$),
    ('egress_updated', $${"event": "egress_updated",
        "egressInfo": {"egressId": "EG_FXh7CNmmLD7p", "status": "EGRESS_ACTIVE"},
        "id": "EV_iGk96S7SVAyJ", "createdAt": "1767277003"}$$),
    ('track_unpublished', $${"event": "track_unpublished", "id": "EV_1"}$$),
    ('ingress_started', $${"event": "ingress_started", "ingressInfo": {"ingressId": "IN_1"},
        "id": "EV_2"}$$),
    ('a future event', $${"event": "room_paused", "id": "EV_3", "room": {"name": "r"}}$$),
    ('upper case name', $${"event": "PARTICIPANT_LEFT", "id": "EV_4", "room": {"name": "r"}}$$),
    ('no event field', $${"id": "EV_5", "room": {"name": "r"}}$$),
    ('event null', $${"event": null, "id": "EV_6", "room": {"name": "r"}}$$),
    ('empty object', '{}')
) AS t(name, payload);

-- an ignored event is not validated: no id, no room, odd fields
SELECT callout.transform_livekit_event('{"event": "track_published", "room": 42}') IS NULL
       AS ignored_without_checks;

-- missing event id
SELECT callout.transform_livekit_event($${"event": "participant_left",
    "room": {"sid": "RM_1", "name": "call-_+14155550123_abc"},
    "participant": {"identity": "sip_1", "kind": "SIP"},
    "createdAt": "1767268988"}$$);
SELECT callout.transform_livekit_event($${"event": "room_finished", "id": null,
    "room": {"name": "call-_+14155550123_abc"}}$$);

-- missing room name
SELECT callout.transform_livekit_event($${"event": "participant_left", "id": "EV_1",
    "participant": {"identity": "sip_1", "kind": "SIP"}, "createdAt": "1767268988"}$$);
SELECT callout.transform_livekit_event($${"event": "room_started", "id": "EV_1",
    "room": {"sid": "RM_1"}}$$);
SELECT callout.transform_livekit_event($${"event": "egress_ended", "id": "EV_1",
    "egressInfo": {"egressId": "EG_1", "roomId": "RM_1"}}$$);

-- participant_joined with kind omitted: STANDARD, UNKNOWN_REASON, not SIP, no duration
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "participant_joined",
  "room": {"sid": "RM_G2Vy988MEUtA", "name": "support-UZCSNqS4", "creationTime": "1767276300",
           "turnPassword": "Cs43TLHrJWgnN4AE9iwzVPALycwm3EMpyaTQqcdeDp8", "numParticipants": 1},
  "participant": {"sid": "PA_BpsMaQrH5nDj", "identity": "user-42", "state": "ACTIVE",
                  "joinedAt": "1767276301", "joinedAtMs": "1767276301286", "name": "Dana",
                  "version": 1, "permission": {"canSubscribe": true, "canPublish": true}},
  "id": "EV_5zHSSwPAigQh", "createdAt": "1767276302"
}$$::jsonb)) AS kind_omitted;

-- agent participant: not SIP, so no sip_ fields even when it carries sip.* attributes; the
-- phone number comes from the room name
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "participant_joined",
  "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2",
           "creationTime": "1767268800"},
  "participant": {"sid": "PA_GJDyYq4owtoL", "identity": "agent-AJ_cur9KyAGPjf9",
                  "state": "ACTIVE", "joinedAt": "1767268802", "joinedAtMs": "1767268802596",
                  "name": "Acme Voice Agent", "kind": "AGENT",
                  "attributes": {"lk.agent.state": "initializing",
                                 "sip.phoneNumber": "+19995550000",
                                 "sip.callStatus": "active"}},
  "id": "EV_JyjLb3A4TP5a", "createdAt": "1767268802"
}$$::jsonb)) AS agent;

-- an agent leaving: disconnect reason and duration, still no sip_ fields
SELECT e ->> 'participant_kind' AS kind, e -> 'is_sip' AS is_sip,
       e ->> 'disconnect_reason' AS reason, e -> 'call_duration_s' AS duration,
       (SELECT count(*) FROM jsonb_object_keys(e) AS k WHERE k LIKE 'sip%') AS sip_keys
FROM callout.transform_livekit_event($${
  "event": "participant_left",
  "room": {"sid": "RM_1", "name": "call-_+14155550123_abc"},
  "participant": {"identity": "agent-1", "kind": "AGENT", "joinedAt": "1767268802",
                  "attributes": {"sip.callStatus": "hangup"},
                  "disconnectReason": "PARTICIPANT_REMOVED"},
  "id": "EV_2", "createdAt": "1767268990"
}$$::jsonb) AS e;

-- participant kind written as its protobuf number: 3 is SIP
SELECT e ->> 'participant_kind' AS kind, e -> 'is_sip' AS is_sip,
       e ->> 'sip_call_status' AS sip_call_status
FROM callout.transform_livekit_event($${
  "event": "participant_joined", "id": "EV_3",
  "room": {"name": "call-_+14155550123_abc"},
  "participant": {"identity": "sip_1", "kind": "3",
                  "attributes": {"sip.callStatus": "ringing"}}
}$$::jsonb) AS e;

-- participant_connection_aborted: a leave of the phone leg, with its duration
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "participant_connection_aborted",
  "room": {"sid": "RM_mEa3cCthCCw7", "name": "outbound-campaign-4711-lead-000131-GHKZHU3D",
           "creationTime": "1767274800", "turnPassword": "G54556MME2xDp4geRV6BHigasXmGmuPx25jUUFRN3ty"},
  "participant": {"sid": "PA_EMCR8Z667LYu", "identity": "lead-000131", "state": "DISCONNECTED",
                  "metadata": "{\"campaign\":\"4711\",\"lead\":\"000131\",\"attempt\":1}",
                  "joinedAt": "1767274801", "joinedAtMs": "1767274801982",
                  "name": "Lead 000131", "kind": "SIP",
                  "attributes": {"campaign_id": "4711", "lead_id": "000131",
                                 "sip.callID": "SCL_fZtbjwkrqpnb", "sip.callStatus": "dialing",
                                 "sip.hostname": "acme.pstn.twilio.com",
                                 "sip.phoneNumber": "+49309018331",
                                 "sip.trunkID": "ST_zepQgtTdM9wA",
                                 "sip.trunkPhoneNumber": "+18005550142"},
                  "disconnectReason": "JOIN_FAILURE"},
  "id": "EV_TeArCPZkxUut", "createdAt": "1767274812"
}$$::jsonb)) AS connection_aborted;

-- egress_ended with fileResults
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "egress_ended",
  "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2"},
  "egressInfo": {"egressId": "EG_KsRdsrTsRUsL", "roomId": "RM_MwNsaNSjtNNy",
                 "roomName": "call-_+14155550123_pZiNJCzpfSh2", "status": "EGRESS_COMPLETE",
                 "startedAt": "1767268803512000000", "endedAt": "1767269009035000000",
                 "fileResults": [{"filename": "calls/2026/01/01/SCL_NFY26D5ujP7n.ogg",
                                  "duration": "205465000000", "size": "1654321",
                                  "location": "https://acme-call-recordings.s3.amazonaws.com/calls/2026/01/01/SCL_NFY26D5ujP7n.ogg"}],
                 "file": {"filename": "calls/old.ogg",
                          "location": "https://acme-call-recordings.s3.amazonaws.com/calls/old.ogg"}},
  "id": "EV_AnzM7mQAJWS2", "createdAt": "1767269011"
}$$::jsonb)) AS egress_ended;

-- egress_ended with only the deprecated file
SELECT e ->> 'egress_status' AS status, e ->> 'recording_location' AS recording_location
FROM callout.transform_livekit_event($${
  "event": "egress_ended",
  "room": {"sid": "RM_1", "name": "call-_+14155550123_abc"},
  "egressInfo": {"egressId": "EG_1", "status": "EGRESS_COMPLETE",
                 "file": {"filename": "calls/a.ogg",
                          "location": "s3://bucket/calls/a.ogg"}},
  "id": "EV_7", "createdAt": "1767269011"
}$$::jsonb) AS e;

-- failed egress: the error is kept, there is no recording_location
SELECT jsonb_pretty(callout.transform_livekit_event($${
  "event": "egress_ended",
  "room": {"sid": "RM_E9CJVhmgP8Hw", "name": "call-_+14155550555_XekgCZnCEtUS"},
  "egressInfo": {"egressId": "EG_FXh7CNmmLD7p", "roomId": "RM_E9CJVhmgP8Hw",
                 "roomName": "call-_+14155550555_XekgCZnCEtUS", "status": "EGRESS_FAILED",
                 "startedAt": "1767277002000001000", "endedAt": "1767277029000000000",
                 "fileResults": [{"filename": "calls/call-_+14155550555_XekgCZnCEtUS.ogg",
                                  "location": "s3://bucket/partial.ogg"}],
                 "error": "upload failed: AccessDenied", "errorCode": 500},
  "id": "EV_c4jwE8NJRWX3", "createdAt": "1767277030"
}$$::jsonb)) AS failed_egress;

-- aborted egress (and the same status as a protobuf number): no recording either, while a
-- limit-reached egress did upload what it recorded
SELECT status, callout.transform_livekit_event(jsonb_build_object(
           'event', 'egress_ended', 'id', 'EV_8', 'createdAt', '1767269011',
           'room', jsonb_build_object('name', 'call-_+14155550123_abc'),
           'egressInfo', jsonb_build_object('egressId', 'EG_2', 'status', status,
               'fileResults', jsonb_build_array(jsonb_build_object('location', 's3://b/x.ogg')))))
       ->> 'recording_location' AS recording_location
FROM unnest(ARRAY['EGRESS_ABORTED', '5', '4', 'EGRESS_LIMIT_REACHED', 'EGRESS_COMPLETE']) AS status;

-- room name from egressInfo.roomName when room is absent (and the sid from roomId)
SELECT e ->> 'room_name' AS room_name, e ->> 'room_sid' AS room_sid,
       e ->> 'phone_number' AS phone_number, e ->> 'recording_location' AS recording_location
FROM callout.transform_livekit_event($${
  "event": "egress_ended",
  "egressInfo": {"egressId": "EG_3", "roomId": "RM_fromEgress",
                 "roomName": "call-_+14155550123_fromEgress", "status": "EGRESS_COMPLETE",
                 "fileResults": [{"location": "s3://b/fromEgress.ogg"}]},
  "id": "EV_9", "createdAt": "1767269011"
}$$::jsonb) AS e;

-- ... and room.name wins when both are present
SELECT e ->> 'room_name' AS room_name, e ->> 'room_sid' AS room_sid
FROM callout.transform_livekit_event($${
  "event": "egress_ended",
  "room": {"sid": "RM_room", "name": "room-name"},
  "egressInfo": {"egressId": "EG_4", "roomId": "RM_egress", "roomName": "egress-room-name"},
  "id": "EV_10", "createdAt": "1767269011"
}$$::jsonb) AS e;

-- phone_number from the room name when the SIP participant has no sip.phoneNumber
SELECT e ->> 'sip_phone_number' AS sip_phone_number, e ->> 'phone_number' AS phone_number,
       e ->> 'sip_call_status' AS sip_call_status
FROM callout.transform_livekit_event($${
  "event": "participant_joined",
  "room": {"sid": "RM_1", "name": "call-_+14155550123_pZiNJCzpfSh2"},
  "participant": {"identity": "sip_hidden", "kind": "SIP", "joinedAt": "1767268801",
                  "attributes": {"sip.callID": "SCL_1", "sip.callStatus": "ringing"}},
  "id": "EV_11", "createdAt": "1767268801"
}$$::jsonb) AS e;

-- the SIP participant's number wins over the room name's
SELECT e ->> 'sip_phone_number' AS sip_phone_number, e ->> 'phone_number' AS phone_number
FROM callout.transform_livekit_event($${
  "event": "participant_joined",
  "room": {"sid": "RM_1", "name": "call-_+14155550123_pZiNJCzpfSh2"},
  "participant": {"identity": "sip_1", "kind": "SIP",
                  "attributes": {"sip.phoneNumber": "+442071838750"}},
  "id": "EV_12", "createdAt": "1767268801"
}$$::jsonb) AS e;

-- hidden caller: no number anywhere, no phone_number
SELECT e ? 'phone_number' AS has_phone_number, e ->> 'sip_trunk_id' AS sip_trunk_id,
       e ->> 'sip_rule_id' AS sip_rule_id
FROM callout.transform_livekit_event($${
  "event": "participant_joined",
  "room": {"sid": "RM_3eVtKdgbVSDa", "name": "call-_0123_D85YDRyMFXUo"},
  "participant": {"sid": "PA_fVvVhwW36VZN", "identity": "sip_36a2cef4ff9bf7a1",
                  "joinedAt": "1767276201", "name": "Phone 0123", "kind": "SIP",
                  "attributes": {"sip.callID": "SCL_EUL2PT8HR77B", "sip.callStatus": "ringing",
                                 "sip.ruleID": "SDR_aPci3Ps9Cb2m", "sip.trunkID": "ST_vCgWYrbtKJtB"}},
  "id": "EV_5DdhsvB2WbT4", "createdAt": "1767276201"
}$$::jsonb) AS e;

-- campaign_id from outbound room names
SELECT e ->> 'room_name' AS room_name, e ->> 'campaign_id' AS campaign_id,
       e ->> 'phone_number' AS phone_number, e ->> 'disconnect_reason' AS reason,
       e ->> 'sip_call_status' AS sip_call_status, e -> 'call_duration_s' AS duration
FROM callout.transform_livekit_event($${
  "event": "participant_left",
  "room": {"sid": "RM_eQeU3dkxuz7c", "name": "outbound-campaign-4711-lead-000124-Hju6rCDc",
           "creationTime": "1767273000"},
  "participant": {"sid": "PA_7vAdrDMZ2qJc", "identity": "lead-000124", "state": "DISCONNECTED",
                  "joinedAt": "1767273001", "joinedAtMs": "1767273001610", "kind": "SIP",
                  "attributes": {"campaign_id": "4711", "sip.callStatus": "ringing",
                                 "sip.phoneNumber": "+49309018324"},
                  "disconnectReason": "USER_UNAVAILABLE"},
  "id": "EV_s2KJ5RBaHjC6", "createdAt": "1767273046"
}$$::jsonb) AS e;

SELECT e ? 'campaign_id' AS has_campaign_id
FROM callout.transform_livekit_event($${"event": "room_started", "id": "EV_13",
    "room": {"name": "inbound-campaign-4711-x"}}$$::jsonb) AS e;

-- payload with turnPassword: the secret is not in the output
SELECT e ? 'turnPassword' AS has_turn_password,
       position('Cs6QanskNFGANgprBDf2k8kX3znqLVpNpv4K5B88QGL' IN e::text) AS found_at
FROM callout.transform_livekit_event($${
  "event": "room_started",
  "room": {"sid": "RM_MwNsaNSjtNNy", "name": "call-_+14155550123_pZiNJCzpfSh2",
           "turnPassword": "Cs6QanskNFGANgprBDf2k8kX3znqLVpNpv4K5B88QGL"},
  "id": "EV_EsGbNWNE3ojh", "createdAt": "1767268800"
}$$::jsonb) AS e;

-- only the normalized keys come out: nothing of the input is copied through
SELECT array_agg(k ORDER BY k) AS keys
FROM jsonb_object_keys(callout.transform_livekit_event($${
  "event": "room_started",
  "room": {"sid": "RM_1", "name": "plain-room", "metadata": "{\"secret\":1}",
           "turnPassword": "pw", "enabledCodecs": [{"mime": "audio/opus"}]},
  "id": "EV_14", "createdAt": "1767268800", "extra": {"nested": true}
}$$::jsonb)) AS k;

-- unicode room names and participant names
SELECT e ->> 'room_name' AS room_name, e ->> 'participant_name' AS participant_name,
       e ->> 'phone_number' AS phone_number, e -> 'call_duration_s' AS duration
FROM callout.transform_livekit_event($${
  "event": "participant_left",
  "room": {"sid": "RM_EEF3HZA7nkDV", "name": "anruf-müller-📞-日本語-ß",
           "creationTime": "1767276000",
           "metadata": "{\"note\":\"Grüße aus Köln — “quotes” ✓\",\"emoji\":\"😀🎉\"}"},
  "participant": {"sid": "PA_R6fCaV3PxyEm", "identity": "sip_+33142685300",
                  "metadata": "line1\nline2\ttab \"q\" back\\slash ctrl\u0001 end 🚀",
                  "joinedAt": "1767276001", "name": "Zoë \"VIP\" Ångström \\ 📞", "kind": "SIP",
                  "attributes": {"sip.callStatus": "hangup",
                                 "sip.h.x-customer-name": "José Müller-Łukasiewicz",
                                 "sip.phoneNumber": "+33142685300"},
                  "disconnectReason": "CLIENT_INITIATED"},
  "id": "EV_X8hrcoKLN6tG", "createdAt": "1767276042"
}$$::jsonb) AS e;

SELECT e ->> 'room_name' AS room_name, e ->> 'phone_number' AS phone_number,
       e ->> 'campaign_id' AS campaign_id
FROM callout.transform_livekit_event($${"event": "room_started", "id": "EV_15",
    "room": {"name": "outbound-campaign-été-Ω_+4930901820_ü"}}$$::jsonb) AS e;

-- instants written as JSON numbers are read as well as strings
SELECT e -> 'created_at' AS created_at, e -> 'joined_at' AS joined_at,
       e -> 'joined_at_ms' AS joined_at_ms, e -> 'call_duration_s' AS duration
FROM callout.transform_livekit_event($${
  "event": "participant_left", "id": "EV_16", "createdAt": 1767268988,
  "room": {"name": "call-_+14155550123_abc"},
  "participant": {"identity": "sip_1", "kind": "SIP", "joinedAt": 1767268801,
                  "joinedAtMs": 1767268801046}
}$$::jsonb) AS e;

-- joinedAt after createdAt gives no duration rather than a negative one; an unreadable
-- instant is left out
SELECT e -> 'created_at' AS created_at, e -> 'joined_at' AS joined_at,
       e ? 'call_duration_s' AS has_duration
FROM callout.transform_livekit_event($${
  "event": "participant_left", "id": "EV_17", "createdAt": "1767268800",
  "room": {"name": "r"},
  "participant": {"identity": "sip_1", "kind": "SIP", "joinedAt": "1767268900"}
}$$::jsonb) AS e;
SELECT e ? 'created_at' AS has_created_at, e ? 'room_creation_time' AS has_creation_time,
       e ? 'call_duration_s' AS has_duration
FROM callout.transform_livekit_event($${
  "event": "room_finished", "id": "EV_18", "createdAt": "yesterday",
  "room": {"name": "r", "creationTime": ""}
}$$::jsonb) AS e;

-- a participant event without a participant: the room's facts only
SELECT jsonb_pretty(callout.transform_livekit_event($${"event": "participant_left", "id": "EV_19",
    "createdAt": "1767268988", "room": {"name": "call-_+14155550123_abc"}}$$::jsonb))
       AS without_participant;

-- the function is IMMUTABLE, STRICT and PARALLEL SAFE
SELECT provolatile, proisstrict, proparallel
FROM pg_proc WHERE oid = 'callout.transform_livekit_event(jsonb)'::regprocedure;
