<?php
// vercmp-ref.php - reference answers for composer versions from Composer's
// own code (Debian: php-cli, php-composer-semver): VersionParser::normalize()
// as Composer applies it to a package's version, then version_compare() as
// Constraint::versionCompare() does. Branches (dev-*) have no order: "!".
//
//   php vercmp-ref.php < pairs      ("A<TAB>B" lines in, < = > ! out)
$autoload = '/usr/share/php/Composer/Semver/autoload.php';
if (!is_file($autoload)) {
    fwrite(STDERR, "vercmp-ref.php: composer/semver is not installed (php-composer-semver)\n");
    exit(77);
}
require $autoload;

$parser = new Composer\Semver\VersionParser();
$norm = function ($v) use ($parser) {
    try {
        $n = $parser->normalize($v);
    } catch (UnexpectedValueException $e) {
        return null;
    }
    return strpos($n, 'dev-') === 0 ? null : $n;
};
$out = '';
while (($line = fgets(STDIN)) !== false) {
    $line = substr($line, -1) === "\n" ? substr($line, 0, -1) : $line;
    $parts = explode("\t", $line, 2);
    $a = $norm($parts[0]);
    $b = $norm(isset($parts[1]) ? $parts[1] : '');
    if ($a === null || $b === null) {
        $out .= "!\n";
        continue;
    }
    $out .= ['<', '=', '>'][version_compare($a, $b) + 1] . "\n";
}
echo $out;
