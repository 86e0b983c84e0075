// VercmpRef.java - reference answers for maven versions from Maven's own
// ComparableVersion (maven-artifact, /usr/share/maven/lib):
//
//   java -cp /usr/share/maven/lib/maven-artifact-3.x.jar VercmpRef.java < pairs
//
// ComparableVersion accepts any string; "!" here is lifebelt's rule (empty,
// or a byte outside printable ASCII or a blank), not Maven's.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class VercmpRef {
    static boolean valid(String v) {
        if (v.isEmpty())
            return false;
        for (int i = 0; i < v.length(); i++)
            if (v.charAt(i) <= ' ' || v.charAt(i) >= 0x7f)
                return false;
        return true;
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            int tab = line.indexOf('\t');
            String a = tab < 0 ? line : line.substring(0, tab);
            String b = tab < 0 ? "" : line.substring(tab + 1);
            if (!valid(a) || !valid(b)) {
                out.append("!\n");
                continue;
            }
            int c = new ComparableVersion(a).compareTo(new ComparableVersion(b));
            out.append(c < 0 ? "<\n" : c > 0 ? ">\n" : "=\n");
        }
        System.out.print(out);
    }
}
