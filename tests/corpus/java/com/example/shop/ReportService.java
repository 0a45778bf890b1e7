package com.example.shop;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestTemplate;

@Service
public class ReportService {
    private static final Logger log = LoggerFactory.getLogger(ReportService.class);
    private static final Pattern SKU = Pattern.compile("^[A-Z]{3}-\\d{4}$");

    private final RestTemplate restTemplate;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, String> cache = new HashMap<>();
    private final Path reportDir;

    public ReportService(RestTemplate restTemplate, Path reportDir) {
        this.restTemplate = restTemplate;
        this.reportDir = reportDir;
    }

    public void exportCsv(List<Order> orders, LocalDate day) throws IOException {
        Path file = reportDir.resolve("orders-" + day + ".csv");
        StringBuilder csv = new StringBuilder("id,customer,total,status\n");
        for (Order order : orders) {
            csv.append(order.getId()).append(',')
               .append(order.getCustomerId()).append(',')
               .append(order.getTotal()).append(',')
               .append(order.getStatus()).append('\n');
        }
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write(csv.toString());
        }
        log.info("Exported " + orders.size() + " orders to " + file);
    }

    public String fetchRates(String currency) {
        String url = "https://api.example.com/rates/" + currency;
        String cached = cache.get(currency);
        if (cached != null) {
            return cached;
        }
        String body = restTemplate.getForObject(url, String.class);
        cache.put(currency, body);
        return body;
    }

    public void refreshAsync(String currency) {
        executor.execute(() -> fetchRates(currency));
        executor.submit(() -> log.debug(String.format("Refreshed %s rates", currency)));
    }

    public boolean isValidSku(String sku) {
        return SKU.matcher(sku).matches();
    }

    public String greeting(String name) {
        String message = String.format("Hello, %s! You have %d new orders.", name, 3);
        return message.concat(" Thanks for shopping.");
    }
}
