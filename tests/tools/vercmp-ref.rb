# vercmp-ref.rb - reference answers for gem versions from RubyGems itself:
# Gem::Version.correct? says valid, <=> orders.
#
#   ruby vercmp-ref.rb < pairs      ("A<TAB>B" lines in, < = > ! out)
require "rubygems"

Gem::Deprecate.skip = true if Gem::Deprecate.respond_to?(:skip=)
$stdin.binmode
out = []
$stdin.each_line("\n", chomp: true) do |line|
  a, b = line.split("\t", 2)
  b ||= ""
  a = a.dup.force_encoding("UTF-8")
  b = b.dup.force_encoding("UTF-8")
  begin
    if Gem::Version.correct?(a) && Gem::Version.correct?(b)
      out << ["<", "=", ">"][(Gem::Version.new(a) <=> Gem::Version.new(b)) + 1]
    else
      out << "!"
    end
  rescue ArgumentError
    out << "!"
  end
end
$stdout.write(out.map { |o| o + "\n" }.join)
