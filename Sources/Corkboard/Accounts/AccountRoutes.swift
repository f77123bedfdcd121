/// The accounts feature's routes: sign-up, log-in, log-out, the account page and their API.
enum AccountRoutes {
    static func register(on router: Router) {}
}
