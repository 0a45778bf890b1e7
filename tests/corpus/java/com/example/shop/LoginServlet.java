package com.example.shop;

import java.io.IOException;
import java.util.Optional;
import javax.servlet.annotation.WebServlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

@WebServlet("/login")
public class LoginServlet extends HttpServlet {
    private final UserService userService = new UserService();

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String email = request.getParameter("email");
        String password = request.getParameter("password");
        Optional<User> user = userService.authenticate(email, password);
        if (user.isEmpty()) {
            request.setAttribute("error", "Invalid email or password");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute("userId", user.get().getId());
        session.setAttribute("roles", user.get().getRoles());
        session.setMaxInactiveInterval(30 * 60);
        response.sendRedirect(request.getContextPath() + "/account");
    }
}
