/*
 * lifebelt.yar - lifebelt's bundled YARA rules (written for lifebelt,
 * same licence as the project). Built into the binary (CMake makes
 * rules_builtin.c from this folder) and always loaded with
 * --scanners malware, alongside any --yara-rules.
 *
 * The strings are written as regular expressions or hex, never as the
 * literal text they look for, so that this file and the lifebelt binary
 * that embeds it do not match themselves.
 *
 * meta: severity (low, medium, high, critical) is the finding's severity;
 * high when absent.
 */

rule Lifebelt_EICAR_Test_File
{
	meta:
		description = "EICAR anti-malware test file (harmless, used to test scanners)"
		severity = "medium"
	strings:
		/* "X5O!P%@AP[4\PZX54(P^)7CC)7}$" */
		$head = { 58 35 4F 21 50 25 40 41 50 5B 34 5C 50 5A 58 35 34 28 50 5E 29 37 43 43 29 37 7D 24 }
		$tail = /EICAR-STANDARD-ANTIVIRUS-TEST-FILE!\$H\+H\*/
	condition:
		$head at 0 and $tail and filesize < 256
}

rule Lifebelt_Miner_XMRig_Config
{
	meta:
		description = "XMRig-style crypto-miner configuration (pools, donate-level, algo)"
		severity = "high"
	strings:
		$pools = /"pools"\s*:\s*\[/
		$donate = /"donate-level"\s*:/
		$donate2 = /--donate-level[= ]/
		$algo = /"algo"\s*:\s*"(rx|cn|randomx|cryptonight|argon2|kawpow|ghostrider)/ nocase
		$user = /"user"\s*:\s*"4[0-9AB][1-9A-HJ-NP-Za-km-z]{90,}/
		$cpu = /"(cpu|opencl|cuda)"\s*:\s*\{/
		$xmrig = /xmrig/ nocase
	condition:
		filesize < 16MB and (($pools and ($donate or $algo or $user)) or
		    ($xmrig and ($donate or $donate2)) or ($pools and $cpu and $algo))
}

rule Lifebelt_Miner_Stratum_Pool
{
	meta:
		description = "crypto-mining pool address (stratum+tcp://, stratum+ssl://)"
		severity = "high"
	strings:
		$url = /stratum\+(tcp|ssl|tls):\/\/[A-Za-z0-9._-]{3,253}:[0-9]{2,5}/ nocase
		$monero_pool = /(pool\.)?(supportxmr|minexmr|nanopool|hashvault|moneroocean|c3pool|f2pool|2miners)\.(com|org|net|pro|stream)/ nocase
	condition:
		$url or ($monero_pool and filesize < 1MB)
}

rule Lifebelt_Webshell_PHP_Eval_Request
{
	meta:
		description = "PHP web shell: request data decoded and evaluated or run"
		severity = "critical"
	strings:
		$php = /<\?(php|=)?/
		$eval = /(eval|assert)\s*\(\s*(@\s*)?(base64_decode|gzinflate|gzuncompress|str_rot13|gzdecode|hex2bin|urldecode)\s*\(\s*(@\s*)?\$_(POST|GET|REQUEST|COOKIE|SERVER)/ nocase
		$eval_direct = /(eval|assert)\s*\(\s*(@\s*)?(stripslashes\s*\(\s*)?\$_(POST|GET|REQUEST|COOKIE)\s*\[/ nocase
		$exec = /(system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec)\s*\(\s*(@\s*)?\$_(POST|GET|REQUEST|COOKIE)\s*\[/ nocase
		$preg = /preg_replace\s*\(\s*['"].{1,40}\/e['"]\s*,\s*\$_(POST|GET|REQUEST)/ nocase
		$create = /create_function\s*\(.{0,40}\$_(POST|GET|REQUEST)/ nocase
	condition:
		$php and any of ($eval, $eval_direct, $exec, $preg, $create)
}

rule Lifebelt_Reverse_Shell
{
	meta:
		description = "reverse shell one-liner (bash /dev/tcp, nc -e, python pty + socket, perl/ruby/php socket + shell)"
		severity = "critical"
	strings:
		$bash_tcp = /(ba|z|k)?sh\s+-i\s*(>&|&>|>)\s*\/dev\/(tcp|udp)\/[^\/\s]{1,253}\/[0-9]{1,5}/
		$dev_tcp_exec = /exec\s+[0-9]+<>\s*\/dev\/(tcp|udp)\/[^\/\s]{1,253}\/[0-9]{1,5}/
		$nc_e = /\b(nc|ncat|netcat)(\.traditional|\.openbsd)?\s+(-[a-zA-Z]+\s+)*-[a-zA-Z]*[ec]\s+\/bin\/(ba|da|z)?sh/
		$mkfifo = /mkfifo\s+\S+\s*;\s*(cat|tail -f)\s+\S+\s*\|\s*\/bin\/(ba)?sh\s+-i.{0,40}\|\s*(nc|ncat|telnet)\s/
		$py_pty = /pty\.spawn\s*\(\s*["']\/bin\/(ba|z)?sh["']\s*\)/
		$py_sock = /socket\.socket\s*\(/
		$py_dup = /os\.dup2\s*\(\s*\w+\.fileno\s*\(\s*\)\s*,\s*[012]\s*\)/
		$perl = /socket\s*\(\s*S\s*,\s*PF_INET.{0,200}exec\s*\(\s*["']\/bin\/(ba)?sh\s+-i/
		$ruby = /TCPSocket\.(new|open)\s*\(.{0,80}(exec|spawn)\s*\(?\s*["']\/bin\/(ba)?sh/
		$php_sock = /fsockopen\s*\(.{0,100}(exec|shell_exec|system|proc_open)\s*\(\s*["']\/bin\/(ba)?sh\s+-i/
	condition:
		$bash_tcp or $dev_tcp_exec or $nc_e or $mkfifo or ($py_pty and $py_sock) or
		    ($py_sock and #py_dup >= 2) or $perl or $ruby or $php_sock
}
