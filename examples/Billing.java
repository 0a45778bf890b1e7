import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;

public class Billing {
    public ResultSet invoices(Connection conn, String customer) throws Exception {
        Statement st = conn.createStatement();
        return st.executeQuery("SELECT * FROM invoices WHERE customer = '" + customer + "'");
    }

    public String resetToken() {
        return Long.toHexString(new Random().nextLong());
    }

    public byte[] fingerprint(byte[] data) throws Exception {
        return MessageDigest.getInstance("MD5").digest(data);
    }
}
