#!/bin/bash
# Upload finished recordings to S3 and delete a local file only once S3 confirms it.
#   finalize.sh DIR             Jibri runs this when a recording ends (DIR: the session's directory)
#   finalize.sh --pending ROOT  the uploader container: every recording under ROOT still pending
# A recording that cannot be uploaded stays where it is, with a marker next to it
# (<stem>.pending.json: file, key, why, since, tries) that the status container reports and the
# uploader retries. Nothing is ever deleted that S3 has not confirmed (size, and MD5 where S3 gives one).
set -u
rclone_bin="${RCLONE:-rclone}"
ffprobe_bin="${FFPROBE:-ffprobe}"
attempts="${UPLOAD_ATTEMPTS:-3}"
pause="${UPLOAD_PAUSE_SECONDS:-10}"
prefix="${RECORDINGS_PREFIX:-recordings/}"
bucket="${RECORDINGS_BUCKET:?RECORDINGS_BUCKET is not set}"
# Where else each report line goes: the container's log (Jibri keeps the script's stdout in its own file).
log_copy="${FINALIZE_LOG_COPY:-/proc/1/fd/1}"

# Flags valid in Debian's rclone 1.60 (the jibri image installs Debian's package) and in current rclone:
# --no-check-dest: no lookup of the key before the upload. Without s3:ListBucket (the role has none)
#   S3 answers that HEAD of a missing key with 403, not 404, and rclone stops.
# --s3-no-check-bucket: never create or check the bucket.
# --s3-no-head: no HEAD after the upload; confirm() below asks S3 itself.
# --s3-acl bucket-owner-full-control: rclone 1.60 sends "x-amz-acl: private" when no ACL is given, and
#   a bucket with ACLs disabled (BucketOwnerEnforced) refuses every ACL but this one.
upload_flags=(--no-check-dest --s3-no-check-bucket --s3-no-head --s3-acl bucket-owner-full-control
  --retries 1 --low-level-retries 3)

# One JSON line on stdout (Jibri's log) and on the container's log, where `meetctl logs` reads it.
report() {
  local line
  line=$(jq -cn "$@")
  echo "$line"
  if [ -w "$log_copy" ]; then echo "$line" >"$log_copy" 2>/dev/null || true; fi
}

child=""
current=""
# A stop request (ECS sends SIGTERM before it kills the container): end the upload, keep the file.
on_stop() {
  [ -n "$child" ] && kill "$child" 2>/dev/null
  if [ -n "$current" ]; then
    mark_pending "$current" "the recorder was stopped during the upload"
    report --arg key "$current_key" '{type: "recording-upload", ok: false, pending: true, key: $key,
      why: "the recorder was stopped during the upload; the file stays on the recorder"}'
  fi
  exit 143
}
trap on_stop TERM INT

# Run rclone in the background and wait, so that a stop request is handled at once; its last error line in $why.
rclone_run() {
  local log
  log=$(mktemp)
  "$rclone_bin" "$@" >"$log" 2>&1 &
  child=$!
  wait "$child"
  local status=$?
  child=""
  why=$(grep -E 'ERROR|Failed' "$log" | tail -n 1 | sed -E 's/^.*ERROR : //' | cut -c1-200)
  rm -f "$log"
  return "$status"
}

# S3 holds the object with the local file's size, and its MD5 where S3 gives one (a single-part
# upload's ETag, or the MD5 rclone stores with a multipart upload).
confirm() {
  local file="$1" key="$2" stat size remote_size remote_md5
  size=$(stat -c %s "$file")
  stat=$("$rclone_bin" lsjson --stat --hash "s3:$bucket/$key" 2>/dev/null) || { why="S3 does not show the object"; return 1; }
  remote_size=$(jq -r '.Size // empty' <<<"$stat")
  remote_md5=$(jq -r '.Hashes.md5 // empty' <<<"$stat")
  if [ "$remote_size" != "$size" ]; then why="S3 holds ${remote_size:-no} bytes of $size"; return 1; fi
  if [ -n "$remote_md5" ] && [ "$remote_md5" != "$(md5sum "$file" | cut -d' ' -f1)" ]; then
    why="S3 holds $size bytes with another MD5"
    return 1
  fi
}

# Upload a file to a key, then make S3 confirm it; up to $attempts tries.
upload() {
  local file="$1" key="$2" try
  for try in $(seq 1 "$attempts"); do
    if rclone_run copyto "$file" "s3:$bucket/$key" "${upload_flags[@]}"; then
      if confirm "$file" "$key"; then return 0; fi
    else
      why="rclone: ${why:-failed}"
    fi
    report --arg key "$key" --arg why "$why" --argjson attempt "$try" '{type: "recording-upload", ok: false, retry: $attempt, key: $key, why: $why}'
    if [ "$try" -lt "$attempts" ]; then sleep "$pause" & child=$!; wait "$child"; child=""; fi
  done
  return 1
}

# The marker next to a recording that is not in S3 yet: why, since when, how many rounds of tries.
mark_pending() {
  local file="$1" reason="$2" marker since tries
  marker="${file%.mp4}.pending.json"
  since=$(jq -r '.since // empty' "$marker" 2>/dev/null)
  tries=$(jq -r '.tries // 0' "$marker" 2>/dev/null || echo 0)
  jq -cn --arg file "$(basename "$file")" --arg key "$current_key" --arg why "$reason" \
    --arg since "${since:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}" --argjson tries "$(( ${tries:-0} + 1 ))" \
    '{file: $file, key: $key, why: $why, since: $since, tries: $tries}' > "$marker.tmp" && mv "$marker.tmp" "$marker"
}

# The key of a recording `<room>_<yyyy-mm-dd-hh-mm-ss>.mp4`: recordings/<day>/<room>/<file>.
key_of() {
  local file="$1" name stem room stamp safe
  name=$(basename "$file")
  stem="${name%.mp4}"
  room="${stem%_*}"
  stamp="${stem##*_}"
  if [[ ! "$stamp" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}$ ]]; then
    stamp=$(date -u -r "$file" +%Y-%m-%d-%H-%M-%S)
  fi
  room=$(printf '%s' "$room" | tr -c 'A-Za-z0-9._-' '_')
  [ -n "$room" ] || room=unnamed
  # Only letters, digits, dot, dash and underscore reach a key.
  safe=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')
  echo "${prefix}${stamp:0:10}/${room}/${safe}|${room}|${stamp}"
}

# Every recording of one directory: upload it and its metadata, delete both once S3 confirmed both.
finalize_dir() {
  local dir="$1" failed=0 file parts key room stamp start size duration meta
  shopt -s nullglob
  local recordings=("$dir"/*.mp4)
  if [ "${#recordings[@]}" -eq 0 ]; then
    report --arg dir "$dir" '{type: "recording-upload", ok: false, why: "no recording in \($dir)"}'
    return 1
  fi
  for file in "${recordings[@]}"; do
    parts=$(key_of "$file")
    key="${parts%%|*}"
    room=$(cut -d'|' -f2 <<<"$parts")
    stamp=$(cut -d'|' -f3 <<<"$parts")
    start="${stamp:0:10}T${stamp:11:2}:${stamp:14:2}:${stamp:17:2}Z"
    size=$(stat -c %s "$file")
    duration=$("$ffprobe_bin" -v error -show_entries format=duration -of csv=p=0 "$file" 2>/dev/null | head -n 1)
    [[ "$duration" =~ ^[0-9]+(\.[0-9]+)?$ ]] || duration=null
    meta="${file%.mp4}.metadata.json"
    jq -n --arg room "$room" --arg start "$start" --arg file "$(basename "$key")" --arg key "$key" \
      --argjson size "$size" --argjson duration "$duration" \
      '{room: $room, start: $start, durationSeconds: $duration, sizeBytes: $size, file: $file, key: $key}' > "$meta"
    current="$file"
    current_key="$key"
    if upload "$file" "$key" && upload "$meta" "${key%.mp4}.json"; then
      current=""
      rm -f "$file" "$meta" "${file%.mp4}.pending.json"
      report --arg key "$key" --argjson size "$size" '{type: "recording-upload", ok: true, key: $key, sizeBytes: $size}'
    else
      current=""
      failed=1
      mark_pending "$file" "$why"
      report --arg key "$key" --arg why "$why" --argjson tries "$attempts" \
        '{type: "recording-upload", ok: false, pending: true, key: $key, why: $why, tries: $tries}'
    fi
  done
  if [ "$failed" -eq 0 ]; then rm -rf "$dir"; fi
  return "$failed"
}

current_key=""
why=""
if [ "${1:-}" = "--pending" ]; then
  root="${2:?usage: finalize.sh --pending ROOT}"
  status=0
  declare -A seen=()
  for marker in "$root"/*/*.pending.json; do
    [ -e "$marker" ] || continue
    dir=$(dirname "$marker")
    [ -n "${seen[$dir]:-}" ] && continue
    seen[$dir]=1
    finalize_dir "$dir" || status=1
  done
  exit "$status"
fi
finalize_dir "${1:?usage: finalize.sh DIR}"
