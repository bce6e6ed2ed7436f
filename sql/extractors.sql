--
-- Facts derived from room names, times and egress results: extract_phone_number,
-- extract_campaign_id, call_duration and extract_recording_url.
--

--
-- extract_phone_number: an E.164 number (+ and 7-15 digits) between underscores in a
-- dispatch-rule room name (<prefix>_<number>_<suffix>)
--

-- phone number from inbound room
SELECT callout.extract_phone_number('call-_+14155550123_pZiNJCzpfSh2') AS inbound;

-- 11-digit
SELECT callout.extract_phone_number('call_+12025550123_x') AS eleven_digits;

-- non-SIP room
SELECT callout.extract_phone_number('support-UZCSNqS4') AS non_sip;

-- edge cases
SELECT name, room_name, callout.extract_phone_number(room_name) AS phone_number
FROM (VALUES
    ('7 digits: shortest', 'call_+1234567_x'),
    ('too short: 6 digits', 'call_+123456_x'),
    ('15 digits: longest', 'call_+123456789012345_x'),
    ('too long: 16 digits', 'call_+1234567890123456_x'),
    ('no underscores', 'call-+14155550123-x'),
    ('at the end', 'call_+14155550123'),
    ('at the start', '+14155550123_x'),
    ('the whole name', '+14155550123'),
    ('two numbers: the first', 'x_+14155550123_+442071838750_y'),
    ('after another segment', 'a_b_+442071838750_c'),
    ('empty segment before', 'call__+14155550123_x'),
    ('no plus', 'call_14155550123_x'),
    ('two plus signs', 'call_++14155550123_x'),
    ('a letter inside', 'call_+1415555O123_x'),
    ('a space inside', 'call_+1 4155550123_x'),
    ('a dash inside', 'call_+1-415-555-0123_x'),
    ('hidden caller', 'call-_0123_D85YDRyMFXUo'),
    ('non-ASCII digits', 'call_+١٤١٥٥٥٥٠١٢٣_x'),
    ('unicode around', 'anruf-müller_+4930901820_日本'),
    ('empty', '')
) AS t(name, room_name);

-- NULL: the function is STRICT
SELECT callout.extract_phone_number(NULL) IS NULL AS null_room;

--
-- extract_campaign_id: outbound-campaign-<id>-...
--

-- campaign id from outbound room
SELECT callout.extract_campaign_id('outbound-campaign-4711-lead-000124-Hju6rCDc') AS outbound;

-- non-campaign room
SELECT callout.extract_campaign_id('call-_+14155550123_pZiNJCzpfSh2') AS non_campaign;

-- edge cases
SELECT name, room_name, callout.extract_campaign_id(room_name) AS campaign_id
FROM (VALUES
    ('id to the end', 'outbound-campaign-4711'),
    ('trailing dash', 'outbound-campaign-4711-'),
    ('letters and underscores', 'outbound-campaign-spring_sale-lead-1'),
    ('a dash ends the id', 'outbound-campaign-123e4567-e89b-12d3'),
    ('empty id', 'outbound-campaign--lead-1'),
    ('prefix only', 'outbound-campaign-'),
    ('prefix without dash', 'outbound-campaign'),
    ('upper case prefix', 'Outbound-Campaign-4711-x'),
    ('prefix not at the start', 'x-outbound-campaign-4711-x'),
    ('inbound', 'inbound-campaign-4711-x'),
    ('outbound without campaign', 'outbound-4711-x'),
    ('unicode id', 'outbound-campaign-été-x'),
    ('empty', '')
) AS t(name, room_name);

SELECT callout.extract_campaign_id(NULL) IS NULL AS null_room;

--
-- call_duration(started, ended): whole seconds between two instants written as unix seconds,
-- unix milliseconds (or micro/nanoseconds) or ISO 8601; NULL when unknown, never negative
--

-- duration normal
SELECT callout.call_duration('2026-01-01T12:00:00Z', '2026-01-01T12:03:07Z') AS iso,
       callout.call_duration('1767268801', '1767268988') AS unix_seconds;

-- short
SELECT callout.call_duration('2026-01-01T12:00:00Z', '2026-01-01T12:00:02Z') AS short,
       callout.call_duration('1767268801', '1767268801') AS zero;

-- missing timestamps
SELECT callout.call_duration(NULL, '2026-01-01T12:00:00Z') AS null_start,
       callout.call_duration('2026-01-01T12:00:00Z', NULL) AS null_end,
       callout.call_duration(NULL, NULL) AS both_null,
       callout.call_duration('', '2026-01-01T12:00:00Z') AS empty_start,
       callout.call_duration('1767268801', '') AS empty_end,
       callout.call_duration(' ', E'\t') AS blank;

-- invalid format
SELECT name, callout.call_duration(started, ended) AS seconds
FROM (VALUES
    ('words', 'not a date', '2026-01-01T12:00:00Z'),
    ('month 13', '2026-13-01T12:00:00Z', '2026-12-01T12:00:00Z'),
    ('February 30', '2026-02-30T12:00:00Z', '2026-03-01T12:00:00Z'),
    ('February 29 of a common year', '2026-02-29T00:00:00Z', '2026-03-01T00:00:00Z'),
    ('hour 24', '2026-01-01T24:00:00Z', '2026-01-02T00:00:00Z'),
    ('date only', '2026-01-01', '2026-01-02'),
    ('time only', '12:00:00', '12:05:00'),
    ('no seconds', '2026-01-01T12:00Z', '2026-01-01T12:05Z'),
    ('unknown zone name', '2026-01-01T12:00:00 UTC', '2026-01-01T12:05:00 UTC'),
    ('bad offset', '2026-01-01T12:00:00+2', '2026-01-01T12:05:00Z'),
    ('negative unix', '-5', '10'),
    ('signed unix', '+5', '10'),
    ('exponent', '1.7e9', '1767268988'),
    ('hex', '0x10', '0x20'),
    ('a dot alone', '.5', '10'),
    ('before 1970', '1969-12-31T23:59:00Z', '1970-01-01T00:01:00Z'),
    ('too many digits', '12345678901234567890', '12345678901234567891')
) AS t(name, started, ended);

-- unix milliseconds (truncated to whole seconds) and larger units
SELECT callout.call_duration('1767268801046', '1767268988000') AS unix_ms,
       callout.call_duration('1767268803512000', '1767269009035000') AS unix_us,
       callout.call_duration('1767268803512000000', '1767269009035000000') AS unix_ns,
       callout.call_duration('1767268801.9', '1767268803.1') AS fractional_seconds;

-- ISO 8601 with Z and with offsets
SELECT name, callout.call_duration(started, ended) AS seconds
FROM (VALUES
    ('Z', '2026-01-01T12:00:00Z', '2026-01-01T12:00:30Z'),
    ('lower-case z and t', '2026-01-01t12:00:00z', '2026-01-01t12:00:30z'),
    ('+HH:MM', '2026-01-01T14:00:00+02:00', '2026-01-01T12:00:30Z'),
    ('+HHMM', '2026-01-01T14:00:00+0200', '2026-01-01T12:00:30Z'),
    ('+HH', '2026-01-01T14:00:00+02', '2026-01-01T12:00:30Z'),
    ('-HH:MM', '2026-01-01T07:00:00-05:00', '2026-01-01T12:00:30Z'),
    ('+05:30', '2026-01-01T17:30:00+05:30', '2026-01-01T12:00:30Z'),
    ('no zone is UTC', '2026-01-01T12:00:00', '2026-01-01T12:00:30Z'),
    ('space separator', '2026-01-01 12:00:00+00', '2026-01-01 12:00:30+00'),
    ('fractions', '2026-01-01T12:00:00.900Z', '2026-01-01T12:00:30.100Z'),
    ('long fractions', '2026-01-01T12:00:00.123456789Z', '2026-01-01T12:00:30.123456Z'),
    ('across midnight', '2025-12-31T23:59:50Z', '2026-01-01T00:00:20Z'),
    ('leap day', '2028-02-29T23:59:50Z', '2028-03-01T00:00:20Z'),
    ('leap second', '2016-12-31T23:59:60Z', '2017-01-01T00:00:30Z'),
    ('surrounding spaces', '  2026-01-01T12:00:00Z ', E'2026-01-01T12:00:30Z\n')
) AS t(name, started, ended);

-- ended before started: NULL, never negative
SELECT callout.call_duration('2026-01-01T12:05:00Z', '2026-01-01T12:00:00Z') AS iso,
       callout.call_duration('1767268988', '1767268801') AS unix,
       callout.call_duration('2026-01-01T12:00:00.500Z', '2026-01-01T12:00:00.499Z') AS one_ms;

-- mixed seconds and milliseconds, and mixed with ISO 8601
SELECT callout.call_duration('1767268801', '1767268988046') AS seconds_then_ms,
       callout.call_duration('1767268801046', '1767268988') AS ms_then_seconds,
       callout.call_duration('1767268800', '2026-01-01T12:03:07Z') AS unix_then_iso,
       callout.call_duration('2026-01-01T12:00:00Z', '1767269107') AS iso_then_unix;

-- the session's time zone and date style change nothing
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, DMY';
SELECT callout.call_duration('2026-01-01T12:00:00', '2026-01-01T12:00:30Z') AS no_zone,
       callout.call_duration('1767268801', '1767268988') AS unix;
RESET TimeZone;
RESET DateStyle;

-- a duration beyond the integer range: NULL, like any other duration that cannot be known
SELECT callout.call_duration('0', '99999999999') AS too_long;
-- the largest duration that fits
SELECT callout.call_duration('0', '2147483647') AS max_int;

--
-- extract_recording_url: the first fileResults entry that has a location, else the deprecated
-- file.location; NULL for a failed egress. LiveKit's FileInfo has no download URL field
-- (livekit_egress.proto: filename, started_at, ended_at, duration, size, location): other keys
-- are not read
--

-- recording URL present
SELECT callout.extract_recording_url($${"event": "egress_ended", "egressInfo": {
    "egressId": "EG_1", "status": "EGRESS_COMPLETE",
    "fileResults": [{"filename": "calls/a.ogg", "location": "https://bucket.s3.amazonaws.com/calls/a.ogg"}]
}}$$) AS present;

-- a first entry without a location (whatever else it has) is passed over for the next one
SELECT callout.extract_recording_url($${"egressInfo": {"status": "EGRESS_COMPLETE",
    "fileResults": [{"filename": "calls/a.mp4", "downloadUrl": "https://cdn.example.com/a.mp4"},
                    {"filename": "calls/a.ogg", "location": "s3://b/a.ogg"}]
}}$$) AS second_has_location,
       callout.extract_recording_url($${"egressInfo": {
    "fileResults": [{"download_url": "https://cdn.example.com/b.ogg"}]}}$$) IS NULL AS download_url_only,
       callout.extract_recording_url($${"egressInfo": {
    "fileResults": [{"location": "", "downloadUrl": "https://cdn.example.com/c.ogg"}],
    "file": {"location": "s3://b/deprecated-c.ogg"}}}$$) AS empty_location,
       callout.extract_recording_url($${"egressInfo": {
    "fileResults": [{"location": "s3://b/d.ogg", "downloadUrl": "https://cdn.example.com/d.ogg"}]}}$$)
       AS location;

-- missing: file results without any location
SELECT callout.extract_recording_url($${"egressInfo": {"status": "EGRESS_COMPLETE",
    "fileResults": [{"filename": "calls/a.ogg", "size": "1654321"}]}}$$) IS NULL AS missing;

-- no file results
SELECT callout.extract_recording_url('{"egressInfo": {"egressId": "EG_1"}}') IS NULL AS no_results,
       callout.extract_recording_url('{"egressInfo": {"fileResults": []}}') IS NULL AS empty_results,
       callout.extract_recording_url('{"egressInfo": {}}') IS NULL AS empty_egress,
       callout.extract_recording_url('{"event": "room_finished"}') IS NULL AS no_egress;

-- the first entry that has a location
SELECT callout.extract_recording_url($${"egressInfo": {"fileResults": [
    {"filename": "a.ogg"}, "not an object", {"location": "s3://b/second.ogg"},
    {"location": "s3://b/third.ogg"}]}}$$) AS first_with_location;

-- deprecated file: used when no file result has a location
SELECT callout.extract_recording_url($${"egressInfo": {"status": "EGRESS_COMPLETE",
    "file": {"filename": "calls/a.ogg", "location": "s3://b/deprecated.ogg"}}}$$) AS file_only,
       callout.extract_recording_url($${"egressInfo": {
    "fileResults": [{"filename": "calls/a.ogg"}],
    "file": {"location": "s3://b/deprecated.ogg"}}}$$) AS results_without_location,
       callout.extract_recording_url($${"egressInfo": {
    "fileResults": [{"location": "s3://b/results.ogg"}],
    "file": {"location": "s3://b/deprecated.ogg"}}}$$) AS results_win;

-- failed egress: no recording, whatever the results say
SELECT status, callout.extract_recording_url(jsonb_build_object('egressInfo', jsonb_build_object(
           'status', status, 'error', 'upload failed',
           'fileResults', '[{"location": "s3://b/partial.ogg"}]'::jsonb,
           'file', '{"location": "s3://b/partial.ogg"}'::jsonb))) AS recording_url
FROM unnest(ARRAY['EGRESS_FAILED', 'EGRESS_ABORTED', '4', '5', 'EGRESS_LIMIT_REACHED',
                  'EGRESS_COMPLETE']) AS status;

-- bare EgressInfo object (without the event around it)
SELECT callout.extract_recording_url($${"egressId": "EG_1", "status": "EGRESS_COMPLETE",
    "fileResults": [{"location": "s3://b/bare.ogg"}]}$$) AS bare,
       callout.extract_recording_url($${"egressId": "EG_1", "status": "EGRESS_FAILED",
    "fileResults": [{"location": "s3://b/bare.ogg"}]}$$) AS bare_failed;

-- non-object jsonb
SELECT callout.extract_recording_url('[{"location": "s3://b/a.ogg"}]') AS array_,
       callout.extract_recording_url('"s3://b/a.ogg"') AS string_,
       callout.extract_recording_url('42') AS number_,
       callout.extract_recording_url('null') AS json_null,
       callout.extract_recording_url('true') AS boolean_,
       callout.extract_recording_url(NULL) AS sql_null;

-- fields of the wrong type: egressInfo not an object, a location that is not a string
SELECT callout.extract_recording_url('{"egressInfo": "EG_1"}');
SELECT callout.extract_recording_url('{"egressInfo": {"fileResults": [{"location": 42}]}}');
DO $$
BEGIN
    PERFORM callout.extract_recording_url('{"egressInfo": "EG_1"}');
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '%: %', SQLSTATE, SQLERRM;
END
$$;
-- fileResults that is not an array is passed over
SELECT callout.extract_recording_url($${"egressInfo": {"fileResults": {"location": "s3://b/x.ogg"},
    "file": {"location": "s3://b/file.ogg"}}}$$) AS results_not_array;
