/**
 * Excerpts of docker-jitsi-meet's configuration templates at stable-11146-2, line by line (the
 * number is the line in that file at the tag), as the images render them at start with jitsi/tpl.
 * They are the lines that decide who is a moderator, who records and what guests get, and enough of
 * their surroundings to render; test/support/go-template.ts renders them with a container's
 * environment. Quoted so the tests can show what our environment makes of them; checked against
 * the tag when written (git show stable-11146-2:<file>).
 */

/** Join numbered lines in file order. */
const excerpt = (lines: Record<number, string>): string =>
  Object.entries(lines)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, text]) => text)
    .join('\n');

/** jicofo/rootfs/defaults/jicofo.conf: jicofo's authentication and the auto-owner rule. */
export const JICOFO_CONF = excerpt({
  1: '{{ $ENABLE_AUTH := .Env.ENABLE_AUTH | default "0" -}}',
  3: '{{ $JICOFO_ENABLE_AUTH := .Env.JICOFO_ENABLE_AUTH | default $ENABLE_AUTH | toBool -}}',
  4: '{{ $AUTH_TYPE := .Env.AUTH_TYPE | default "internal" -}}',
  5: '{{ $JICOFO_AUTH_TYPE := .Env.JICOFO_AUTH_TYPE | default $AUTH_TYPE -}}',
  6: '{{ $JICOFO_AUTH_LIFETIME := .Env.JICOFO_AUTH_LIFETIME | default "24 hours" -}}',
  10: '{{ $ENABLE_AUTO_LOGIN := .Env.ENABLE_AUTO_LOGIN | default "1" | toBool -}}',
  38: '{{ $XMPP_DOMAIN := .Env.XMPP_DOMAIN | default "meet.jitsi" -}}',
  48: 'jicofo {',
  49: '    {{ if $JICOFO_ENABLE_AUTH }}',
  50: '    authentication {',
  51: '      enabled = true',
  52: '      // The type of authentication. Supported values are XMPP or JWT.',
  53: '      {{ if eq $JICOFO_AUTH_TYPE "jwt" }}',
  54: '      type = JWT',
  55: '      {{ else }}',
  56: '      type = XMPP',
  57: '      {{ end }}',
  58: '      login-url = "{{ $XMPP_DOMAIN }}"',
  59: '      enable-auto-login = {{ $ENABLE_AUTO_LOGIN }}',
  60: '      authentication-lifetime = {{ $JICOFO_AUTH_LIFETIME }}',
  61: '    }',
  62: '    {{ end }}',
  165: '    conference {',
  166: '      {{ if .Env.ENABLE_AUTO_OWNER }}',
  167: '      enable-auto-owner = {{ .Env.ENABLE_AUTO_OWNER | toBool }}',
  168: '      {{ end }}',
  169: '',
  170: '      {{ if .Env.ENABLE_MODERATOR_CHECKS }}',
  171: '      enable-moderator-checks = {{ .Env.ENABLE_MODERATOR_CHECKS | toBool }}',
  172: '      {{ end }}',
  222: '    }',
  349: '}',
});

/**
 * prosody/rootfs/defaults/conf.d/jitsi-meet.cfg.lua: the main and guest virtual hosts' modules,
 * the main MUC's modules and the wait-for-host owner option.
 */
export const PROSODY_SITE_CFG = excerpt({
  1: '{{ $AUTH_TYPE := .Env.AUTH_TYPE | default "internal" -}}',
  6: '{{ $ENABLE_AUTH := .Env.ENABLE_AUTH | default "0" | toBool -}}',
  11: '{{ $ENABLE_GUEST_DOMAIN := and $ENABLE_AUTH (.Env.ENABLE_GUESTS | default "0" | toBool) -}}',
  23: '{{ $GUEST_AUTH_TYPE := .Env.PROSODY_GUEST_AUTH_TYPE | default "jitsi-anonymous" -}}',
  29: '{{ $JWT_ALLOW_EMPTY := .Env.JWT_ALLOW_EMPTY | default "0" | toBool -}}',
  31: '{{ $JWT_AUTH_TYPE := .Env.JWT_AUTH_TYPE | default "token" -}}',
  33: '{{ $JWT_TOKEN_AUTH_MODULE := .Env.JWT_TOKEN_AUTH_MODULE | default "token_verification" -}}',
  37: '{{ $PROSODY_AUTH_TYPE := .Env.PROSODY_AUTH_TYPE | default $AUTH_TYPE -}}',
  47: '{{ $WAIT_FOR_HOST_DISABLE_AUTO_OWNERS := .Env.WAIT_FOR_HOST_DISABLE_AUTO_OWNERS | default "false" | toBool -}}',
  49: '{{ $XMPP_DOMAIN := .Env.XMPP_DOMAIN | default "meet.jitsi" -}}',
  50: '{{ $XMPP_GUEST_DOMAIN := .Env.XMPP_GUEST_DOMAIN | default "guest.meet.jitsi" -}}',
  52: '{{ $XMPP_MUC_DOMAIN := .Env.XMPP_MUC_DOMAIN | default "muc.meet.jitsi" -}}',
  123: 'VirtualHost "{{ $XMPP_DOMAIN }}"',
  124: '{{ if $ENABLE_AUTH }}',
  125: '  {{ if eq $PROSODY_AUTH_TYPE "jwt" }}',
  129: '    authentication = "{{ $JWT_AUTH_TYPE }}"',
  130: '    app_id = "{{ .Env.JWT_APP_ID }}"',
  134: '    allow_empty_token = {{ $JWT_ALLOW_EMPTY }}',
  172: '  {{ end }}',
  173: '{{ else }}',
  174: '    authentication = "jitsi-anonymous"',
  175: '{{ end }}',
  180: '    modules_enabled = {',
  194: '        {{ if .Env.XMPP_MODULES }}',
  195: String.raw`        "{{ join "\";\n        \"" (splitList "," .Env.XMPP_MODULES | compact) }}";`,
  196: '        {{ end }}',
  210: '    }',
  238: '{{ if $ENABLE_GUEST_DOMAIN }}',
  239: 'VirtualHost "{{ $XMPP_GUEST_DOMAIN }}"',
  240: '    authentication = "{{ $GUEST_AUTH_TYPE }}"',
  241: '    modules_enabled = {',
  245: '        {{ if .Env.XMPP_MODULES }}',
  246: String.raw`        "{{ join "\";\n        \"" (splitList "," .Env.XMPP_MODULES | compact) }}";`,
  247: '        {{ end }}',
  248: '    }',
  265: '{{ end }}',
  307: 'Component "{{ $XMPP_MUC_DOMAIN }}" "muc"',
  310: '    modules_enabled = {',
  313: '        {{ if .Env.XMPP_MUC_MODULES -}}',
  314: String.raw`        "{{ join "\";\n        \"" (splitList "," .Env.XMPP_MUC_MODULES | compact) }}";`,
  315: '        {{ end -}}',
  316: '        {{ if and $ENABLE_AUTH (or (eq $PROSODY_AUTH_TYPE "jwt") (eq $PROSODY_AUTH_TYPE "hybrid_matrix_token")) -}}',
  317: '        "{{ $JWT_TOKEN_AUTH_MODULE }}";',
  318: '        {{ end }}',
  345: '    }',
  406: '    {{- if $WAIT_FOR_HOST_DISABLE_AUTO_OWNERS }}',
  407: '    wait_for_host_disable_auto_owners = true',
  408: '    {{- end }}',
});

/** web/rootfs/defaults/settings-config.js: the participant menu and local recording. */
export const WEB_SETTINGS_CONFIG = excerpt({
  58: '{{ $DISABLE_REMOTE_VIDEO_MENU := .Env.DISABLE_REMOTE_VIDEO_MENU | default "false" | toBool -}}',
  59: '{{ $DISABLE_PRIVATE_CHAT:= .Env.DISABLE_PRIVATE_CHAT | default "false" | toBool -}}',
  60: '{{ $DISABLE_KICKOUT := .Env.DISABLE_KICKOUT | default "false" | toBool -}}',
  61: '{{ $DISABLE_GRANT_MODERATOR := .Env.DISABLE_GRANT_MODERATOR | default "false" | toBool -}}',
  63: '{{ $DISABLE_LOCAL_RECORDING := .Env.DISABLE_LOCAL_RECORDING | default "false" | toBool -}}',
  64: '{{ $ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT := .Env.ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT | default "false" | toBool -}}',
  65: '{{ $ENABLE_LOCAL_RECORDING_SELF_START := .Env.ENABLE_LOCAL_RECORDING_SELF_START | default "false" | toBool -}}',
  213: 'config.localRecording = {',
  214: '    disable: {{ $DISABLE_LOCAL_RECORDING }},',
  215: '    notifyAllParticipants: {{ $ENABLE_LOCAL_RECORDING_NOTIFY_ALL_PARTICIPANT }},',
  216: '    disableSelfRecording: {{ $ENABLE_LOCAL_RECORDING_SELF_START }}',
  217: '};',
  565: 'config.remoteVideoMenu = {',
  566: '    disabled: {{ $DISABLE_REMOTE_VIDEO_MENU }},',
  567: '    disableKick: {{ $DISABLE_KICKOUT }},',
  568: '    disableGrantModerator: {{ $DISABLE_GRANT_MODERATOR }},',
  569: '    disablePrivateChat: {{ $DISABLE_PRIVATE_CHAT }}',
  570: '};',
});

/**
 * web/rootfs/defaults/settings-config.js: the video and audio settings a bandwidth preset sets through
 * web's variables (resolution, camera off on joining, codec order, the Opus bitrate) and one of the
 * VIDEOQUALITY_BITRATE_* variables, to show where they land in config.js.
 */
export const WEB_VIDEO_SETTINGS_CONFIG = excerpt({
  1: '{{ $ENABLE_ADAPTIVE_MODE := .Env.ENABLE_ADAPTIVE_MODE | default "true" | toBool -}}',
  22: '{{ $ENABLE_SIMULCAST := .Env.ENABLE_SIMULCAST | default "true" | toBool -}}',
  23: '{{ $ENABLE_STEREO := .Env.ENABLE_STEREO | default "false" | toBool -}}',
  39: '{{ $RESOLUTION := .Env.RESOLUTION | default "720" -}}',
  40: '{{ $RESOLUTION_MIN := .Env.RESOLUTION_MIN | default "180" -}}',
  41: '{{ $RESOLUTION_WIDTH := .Env.RESOLUTION_WIDTH | default "1280" -}}',
  42: '{{ $RESOLUTION_WIDTH_MIN := .Env.RESOLUTION_WIDTH_MIN | default "320" -}}',
  50: '{{ $START_WITH_VIDEO_MUTED := .Env.START_WITH_VIDEO_MUTED | default "false" | toBool -}}',
  69: String.raw`{{ $CODEC_ORDER_JVB := .Env.CODEC_ORDER_JVB | default "[\"AV1\", \"VP9\", \"VP8\", \"H264\"]" -}}`,
  70: String.raw`{{ $CODEC_ORDER_JVB_MOBILE := .Env.CODEC_ORDER_JVB_MOBILE | default "[\"VP8\", \"VP9\", \"H264\", \"AV1\"]" -}}`,
  81: 'config.resolution = {{ $RESOLUTION }};',
  82: 'config.constraints = {',
  83: '    video: {',
  84: '        height: { ideal: {{ $RESOLUTION }}, max: {{ $RESOLUTION }}, min: {{ $RESOLUTION_MIN }} },',
  85: '        width: { ideal: {{ $RESOLUTION_WIDTH }}, max: {{ $RESOLUTION_WIDTH }}, min: {{ $RESOLUTION_WIDTH_MIN }}},',
  86: '    }',
  87: '};',
  88: '',
  89: '{{ if not $ENABLE_SIMULCAST -}}',
  90: 'config.disableSimulcast = true;',
  91: '{{ end -}}',
  93: 'config.startWithVideoMuted = {{ $START_WITH_VIDEO_MUTED }};',
  119: 'config.audioQuality = {',
  120: '    stereo: {{ $ENABLE_STEREO }}',
  121: '};',
  122: '',
  123: '{{ if .Env.AUDIO_QUALITY_OPUS_BITRATE -}}',
  124: "config.audioQuality.opusMaxAverageBitrate = '{{ .Env.AUDIO_QUALITY_OPUS_BITRATE }}';",
  125: '{{ end -}}',
  435: 'config.videoQuality = {};',
  436: 'config.videoQuality.codecPreferenceOrder = {{ $CODEC_ORDER_JVB }};',
  437: 'config.videoQuality.mobileCodecPreferenceOrder = {{ $CODEC_ORDER_JVB_MOBILE }};',
  438: 'config.videoQuality.enableAdaptiveMode = {{ $ENABLE_ADAPTIVE_MODE }};',
  496: 'config.videoQuality.vp8 = {};',
  497: '',
  498: '{{ if .Env.VIDEOQUALITY_BITRATE_VP8_LOW }}',
  499: 'config.videoQuality.vp8.low = {{ .Env.VIDEOQUALITY_BITRATE_VP8_LOW }};',
  500: '{{ end -}}',
  501: '',
  502: '{{ if .Env.VIDEOQUALITY_BITRATE_VP8_STANDARD }}',
  503: 'config.videoQuality.vp8.standard = {{ .Env.VIDEOQUALITY_BITRATE_VP8_STANDARD }};',
  504: '{{ end -}}',
});
