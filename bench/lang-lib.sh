# bench/lang-lib.sh - sourced by bench/lang-node-python.sh and
# bench/lang-java-go.sh: timed scans of one image by the three builds
# ($all, $nomine, $nolang), taking turns run by run so that a change in the
# machine's load falls on all of them alike, $runs times each, cold (page
# cache dropped before every run when run as root, as the issue asks) and
# with --no-cache (every layer walked, none loaded from the layer cache).
# Needs $work and $runs; in_turns sets e_X, c_X and m_X (median elapsed,
# median CPU = user + system, largest peak RSS in KB) for X in all,
# nomine and nolang.

# one run of "$@": "elapsed cpu peak_kb"
run1() {
	if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ]; then
		sync
		echo 3 >/proc/sys/vm/drop_caches
	fi
	/usr/bin/time -f "%e %U %S %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/err.out" || {
		echo "bench: '$*' failed:" >&2; cat "$work/err.out" >&2; exit 1; }
	tail -1 "$work/time.out" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}

# median elapsed, median cpu and largest peak of the runs in file $1
summary() {
	{
		awk '{ print $1 }' "$1" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
		awk '{ print $2 }' "$1" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
		awk '{ print $3 }' "$1" | sort -n | tail -1
	} | paste -sd' '
}

# in_turns IMG
in_turns() {
	local i v
	for v in all nomine nolang; do : >"$work/$v.runs"; done
	for ((i = 0; i < runs; i++)); do
		for v in all nomine nolang; do
			run1 "${!v}" image --input "$1" --no-cache -f json -o /dev/null -q >>"$work/$v.runs"
		done
	done
	read -r e_all c_all m_all <<<"$(summary "$work/all.runs")"
	read -r e_nomine c_nomine m_nomine <<<"$(summary "$work/nomine.runs")"
	read -r e_nolang c_nolang m_nolang <<<"$(summary "$work/nolang.runs")"
}
