package com.example.shop;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import javax.persistence.EntityManager;
import javax.persistence.PersistenceContext;
import javax.persistence.TypedQuery;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

@Repository
public class OrderDao {
    private static final String ORDER_COLUMNS = "id, customer_id, total, status";

    private final JdbcTemplate jdbcTemplate;
    private final NamedParameterJdbcTemplate namedTemplate;

    @PersistenceContext
    private EntityManager entityManager;

    public OrderDao(JdbcTemplate jdbcTemplate, NamedParameterJdbcTemplate namedTemplate) {
        this.jdbcTemplate = jdbcTemplate;
        this.namedTemplate = namedTemplate;
    }

    public List<Order> findByCustomer(long customerId) {
        return jdbcTemplate.query(
                "SELECT " + ORDER_COLUMNS + " FROM orders WHERE customer_id = ? ORDER BY created_at DESC",
                (rs, rowNum) -> new Order(rs.getLong("id"), rs.getLong("customer_id"),
                        rs.getBigDecimal("total"), rs.getString("status")),
                customerId);
    }

    public int updateStatus(long orderId, String status) {
        return jdbcTemplate.update("UPDATE orders SET status = ? WHERE id = ?", status, orderId);
    }

    public List<Map<String, Object>> totalsByStatus(String status, BigDecimal minimum) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("status", status)
                .addValue("minimum", minimum);
        return namedTemplate.queryForList(
                "SELECT status, SUM(total) AS total FROM orders WHERE status = :status AND total >= :minimum GROUP BY status",
                params);
    }

    @Transactional(readOnly = true)
    public List<Order> recentWithJpa(String status, int limit) {
        TypedQuery<Order> query = entityManager.createQuery(
                "SELECT o FROM Order o WHERE o.status = :status ORDER BY o.createdAt DESC", Order.class);
        query.setParameter("status", status);
        query.setMaxResults(limit);
        return query.getResultList();
    }

    public Long countNative(long customerId) {
        Object count = entityManager
                .createNativeQuery("SELECT COUNT(*) FROM orders WHERE customer_id = ?1")
                .setParameter(1, customerId)
                .getSingleResult();
        return ((Number) count).longValue();
    }

    public List<Order> sorted(String sortColumn) {
        String column = switch (sortColumn) {
            case "total" -> "total";
            case "status" -> "status";
            default -> "created_at";
        };
        return jdbcTemplate.query("SELECT " + ORDER_COLUMNS + " FROM orders ORDER BY created_at",
                (rs, rowNum) -> new Order(rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3), rs.getString(4)));
    }
}
