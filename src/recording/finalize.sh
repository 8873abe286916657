#!/bin/bash
set -u
dir="$1"
rclone_bin="${RCLONE:-rclone}"
ffprobe_bin="${FFPROBE:-ffprobe}"
attempts="${UPLOAD_ATTEMPTS:-5}"
pause="${UPLOAD_PAUSE_SECONDS:-10}"
prefix="${RECORDINGS_PREFIX:-recordings/}"
bucket="${RECORDINGS_BUCKET:?RECORDINGS_BUCKET is not set}"

report() {
  local line="{\"type\":\"recording-upload\",$1}"
  echo "$line"
  if [ -w /proc/1/fd/1 ]; then echo "$line" > /proc/1/fd/1 2>/dev/null || true; fi
}

# Upload a file to a key and make S3 confirm it: same size as the local file.
upload() {
  local file="$1" key="$2" size remote try
  size=$(stat -c %s "$file")
  for try in $(seq 1 "$attempts"); do
    if "$rclone_bin" copyto "$file" "s3:$bucket/$key" --s3-no-check-bucket --retries 1 >/dev/null 2>&1; then
      remote=$("$rclone_bin" lsjson --stat "s3:$bucket/$key" 2>/dev/null | jq -r '.Size // empty' 2>/dev/null)
      if [ "$remote" = "$size" ]; then return 0; fi
      report "\"ok\":false,\"retry\":$try,\"key\":\"$key\",\"why\":\"S3 holds ${remote:-no} bytes of $size\""
    else
      report "\"ok\":false,\"retry\":$try,\"key\":\"$key\",\"why\":\"rclone failed\""
    fi
    [ "$try" -lt "$attempts" ] && sleep "$pause"
  done
  return 1
}

shopt -s nullglob
recordings=("$dir"/*.mp4)
if [ "${#recordings[@]}" -eq 0 ]; then
  report "\"ok\":false,\"why\":\"no recording in $dir\""
  exit 1
fi
failed=0
for file in "${recordings[@]}"; do
  name=$(basename "$file")
  stem="${name%.mp4}"
  room="${stem%_*}"
  stamp="${stem##*_}"
  if [[ ! "$stamp" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}$ ]]; then
    stamp=$(date -u -r "$file" +%Y-%m-%d-%H-%M-%S)
  fi
  room=$(printf '%s' "$room" | tr -c 'A-Za-z0-9._-' '_')
  [ -n "$room" ] || room=unnamed
  day="${stamp:0:10}"
  start="${day}T${stamp:11:2}:${stamp:14:2}:${stamp:17:2}Z"
  size=$(stat -c %s "$file")
  duration=$("$ffprobe_bin" -v error -show_entries format=duration -of csv=p=0 "$file" 2>/dev/null | head -n 1)
  [[ "$duration" =~ ^[0-9]+(\.[0-9]+)?$ ]] || duration=null
  # Only letters, digits, dot, dash and underscore reach a key (and the JSON lines below).
  safe=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')
  key="${prefix}${day}/${room}/${safe}"
  meta="$dir/${stem}.metadata.json"
  jq -n --arg room "$room" --arg start "$start" --arg file "$safe" --arg key "$key" \
    --argjson size "$size" --argjson duration "$duration" \
    '{room: $room, start: $start, durationSeconds: $duration, sizeBytes: $size, file: $file, key: $key}' > "$meta"
  if upload "$file" "$key" && upload "$meta" "${key%.mp4}.json"; then
    rm -f "$file" "$meta"
    report "\"ok\":true,\"key\":\"$key\",\"sizeBytes\":$size"
  else
    failed=1
    report "\"ok\":false,\"key\":\"$key\",\"why\":\"not uploaded after $attempts tries; the file stays on the recorder\""
  fi
done
if [ "$failed" -eq 0 ]; then rm -rf "$dir"; fi
exit "$failed"
