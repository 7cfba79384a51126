#!/usr/bin/env bash
# Makes the synthetic call recordings in tests/fixtures/audio/ with espeak-ng and sox (run from anywhere).
#
#   call_stereo.ogg  agent on the LEFT channel, customer on the RIGHT, alternating with pauses.
#                    Whisper hears the agent's silent-spaced lines as one long segment; only a
#                    pipeline that splits segments at pauses puts the customer's short
#                    "Okay, thanks." between "Let me check the delivery." and "The courier ...".
#   call_mono.ogg    the same call mixed down to one channel.
# 16 kHz Ogg Vorbis keeps both files far under 1 MB. If you change LINES below, change SCRIPT in
# tests/unit/transcripts/audio/test_audio_real_model.py too (same order, key words of each line).
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/audio"
command -v espeak-ng >/dev/null && command -v sox >/dev/null || {
  echo "make_audio_fixtures: needs espeak-ng and sox (apt-get install espeak-ng sox)" >&2; exit 1; }

RATE=16000
AGENT_VOICE="en-us+f3"
CUSTOMER_VOICE="en-gb+m3"
# speaker|pause after the line in seconds|text
LINES=(
  "agent|0.8|Hello, thank you for calling Bright Shop. How can I help?"
  "customer|0.7|My parcel never arrived. I want a refund."
  "agent|0.9|Sorry about that. What did you order?"
  "customer|0.9|A blue winter jacket."
  "agent|0.5|Thank you. Let me check the delivery."
  "customer|0.5|Okay, thanks."
  "agent|0.9|The courier lost the package, so I will refund you today."
  "customer|0.7|Great, thank you very much."
  "agent|0.4|You are welcome. Goodbye."
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
silence() { sox -n -r "$RATE" -c 1 -b 16 "$1" trim 0 "$2"; }

left=() right=()
i=0
for line in "${LINES[@]}"; do
  IFS='|' read -r speaker pause text <<<"$line"
  voice=$AGENT_VOICE; [ "$speaker" = customer ] && voice=$CUSTOMER_VOICE
  espeak-ng -v "$voice" -s 185 -w "$work/raw$i.wav" "$text"
  # espeak-ng pads each line with silence; trim it so the pauses are the ones listed above.
  sox "$work/raw$i.wav" -r "$RATE" -c 1 -b 16 "$work/say$i.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse norm -3
  length=$(soxi -D "$work/say$i.wav")
  silence "$work/hush$i.wav" "$length"
  silence "$work/gap$i.wav" "$pause"
  # The speaker's channel carries the line; the other channel is silent meanwhile.
  if [ "$speaker" = agent ]; then
    left+=("$work/say$i.wav" "$work/gap$i.wav"); right+=("$work/hush$i.wav" "$work/gap$i.wav")
  else
    left+=("$work/hush$i.wav" "$work/gap$i.wav"); right+=("$work/say$i.wav" "$work/gap$i.wav")
  fi
  i=$((i + 1))
done
silence "$work/lead.wav" 0.5
sox "$work/lead.wav" "${left[@]}" "$work/left.wav"
sox "$work/lead.wav" "${right[@]}" "$work/right.wav"
sox -M "$work/left.wav" "$work/right.wav" -C 3 call_stereo.ogg
sox -m "$work/left.wav" "$work/right.wav" -C 3 call_mono.ogg
soxi call_stereo.ogg call_mono.ogg | grep -E "Input File|Channels|Sample Rate|Duration|File Size"

# pii_call.ogg: a caller reads out a (test) Visa card number and an e-mail address. Whisper tiny.en
# drops a digit of the card, so the PII test checks that card-like digits in card context are still
# redacted even when the checksum no longer holds.
espeak-ng -v en-us -s 150 -w "$work/pii.wav" "Hello, my card number is four five three nine one four eight eight zero three four three six four six seven, and you can email me at anna at example dot com."
sox "$work/pii.wav" -r "$RATE" -c 1 -C 3 pii_call.ogg
