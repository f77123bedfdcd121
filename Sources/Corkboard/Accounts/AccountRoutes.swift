/// The accounts feature's routes: sign-up, log-in, log-out, the account page and their API.
enum AccountRoutes {
    static func register(on router: Router) {
        router.post("/api/signup") { try AccountAPI.signup($0) }
        router.post("/api/login") { try AccountAPI.login($0) }
        router.post("/api/logout") { try AccountAPI.logout($0) }
        router.post("/api/logout-all") { try AccountAPI.logoutAll($0) }
        router.get("/api/me") { try AccountAPI.me($0) }
        router.get("/api/me/can-post") { try AccountAPI.canPost($0) }
        router.post("/api/verify") { try AccountAPI.verify($0) }
        router.post("/api/verify/resend") { try AccountAPI.resendVerification($0) }
        router.post("/api/reset") { try AccountAPI.requestReset($0) }
        router.post("/api/reset/confirm") { try AccountAPI.confirmReset($0) }
        router.post("/api/password") { try AccountAPI.changePassword($0) }
        router.post("/api/email") { try AccountAPI.changeEmail($0) }
        router.add("DELETE", "/api/user") { try AccountAPI.deleteUser($0) }

        router.get("/signup") { try AccountPages.signupForm($0) }
        router.post("/signup") { try AccountPages.signup($0) }
        router.get("/login") { try AccountPages.loginForm($0) }
        router.post("/login") { try AccountPages.login($0) }
        router.post("/logout") { try AccountPages.logout($0) }
        router.get("/account") { try AccountPage.show($0) }
        router.post("/account/password") { try AccountPage.changePassword($0) }
        router.post("/account/email") { try AccountPage.changeEmail($0) }
        router.post("/account/verify") { try AccountPage.resendVerification($0) }
        router.post("/account/logout-all") { try AccountPage.logoutAll($0) }
        router.post("/account/delete") { try AccountPage.delete($0) }
        router.get("/verify") { try RecoveryPages.verifyForm($0) }
        router.post("/verify") { try RecoveryPages.verify($0) }
        router.get("/reset") { try RecoveryPages.resetForm($0) }
        router.post("/reset") { try RecoveryPages.requestReset($0) }
        router.get("/reset/:token") { try RecoveryPages.newPasswordForm($0) }
        router.post("/reset/:token") { try RecoveryPages.setPassword($0) }
    }
}
