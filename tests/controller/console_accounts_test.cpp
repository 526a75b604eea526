// Console accounts and audit: the store on a real SQLite file, and `bangtin user` as an operator
// runs it. Each Argon2id hash or check costs about 0.1 s and 64 MiB here; the tests below do
// about 40 in all, spread over separate test processes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <regex>

#include "console_accounts.hpp"
#include "program_run.hpp"
#include "test_support.hpp"

using namespace bangtin;
using namespace bangtin::testing;

namespace {

const Actor kAdmin{"root", "local"};
const std::string kPassword = "mật khẩu 2026";  // 13 characters, 18 bytes

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Everything SQLite keeps of the store: the database and its write-ahead log.
std::string stored_bytes(const std::filesystem::path& database) {
  return file_bytes(database) + file_bytes(database.string() + "-wal");
}

std::string stored_hash(const std::filesystem::path& database, const std::string& name) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(database.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db.get(), "SELECT password_hash FROM accounts WHERE name = ?", -1,
                               &statement, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(statement, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  std::string hash;
  if (sqlite3_step(statement) == SQLITE_ROW)
    hash = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  sqlite3_finalize(statement);
  return hash;
}

std::vector<std::string> actions(const std::vector<AuditEntry>& entries) {
  std::vector<std::string> result;
  for (const AuditEntry& entry : entries) result.push_back(entry.action + " " + entry.target);
  return result;
}

double seconds_to_check(const AccountStore& store, const std::string& name) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(store.check_password(name, "not the password"));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST(ConsoleAccounts, AddedAccountsAreListedByNameWithTheirRoleAndRemovedOnes) {
  ScratchDir dir;
  AccountStore store(dir.path() / "state/console.sqlite3");
  EXPECT_TRUE(store.list().empty());
  store.add("tu-phap", Role::editor, kPassword, kAdmin);
  store.add("chu-tich", Role::admin, kPassword, kAdmin);
  EXPECT_EQ(store.list(),
            (std::vector<Account>{{"chu-tich", Role::admin}, {"tu-phap", Role::editor}}));
  EXPECT_EQ(store.find("tu-phap"), (Account{"tu-phap", Role::editor}));

  store.remove("tu-phap", kAdmin);
  EXPECT_EQ(store.list(), (std::vector<Account>{{"chu-tich", Role::admin}}));
  EXPECT_FALSE(store.find("tu-phap"));
  EXPECT_THROW(store.remove("tu-phap", kAdmin), std::invalid_argument);
}

TEST(ConsoleAccounts, OnlyItsOwnerReadsTheFileOfPasswordHashes) {
  ScratchDir dir;
  const auto file = dir.path() / "state/console.sqlite3";
  AccountStore store(file);
  struct stat status {};
  ASSERT_EQ(::stat(file.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
}

TEST(ConsoleAccounts, OnlyTheRightPasswordSignsIn) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  store.add("van-thu", Role::viewer, kPassword, kAdmin);
  EXPECT_EQ(store.check_password("van-thu", kPassword), (Account{"van-thu", Role::viewer}));
  EXPECT_FALSE(store.check_password("van-thu", "mật khẩu 2025"));
  EXPECT_FALSE(store.check_password("van-thu", ""));
  EXPECT_FALSE(store.check_password("ke-toan", kPassword));
  EXPECT_FALSE(store.check_password("../van-thu", kPassword));
}

TEST(ConsoleAccounts, APasswordTypedWithCombiningAccentsIsTheSamePassword) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  store.add("van-thu", Role::viewer, "m\u1EADt kh\u1EA9u 2026", kAdmin);  // precomposed ậ, ẩ
  // a, combining dot below, combining circumflex; a, circumflex, hook above: Unikey's "tổ hợp".
  EXPECT_TRUE(store.check_password("van-thu", "ma\u0323\u0302t kha\u0302\u0309u 2026"));
}

TEST(ConsoleAccounts, TheFileKeepsAnArgon2idHashNeverThePassword) {
  ScratchDir dir;
  const auto file = dir.path() / "console.sqlite3";
  AccountStore store(file);
  store.add("van-thu", Role::viewer, kPassword, kAdmin);
  const std::string hash = stored_hash(file, "van-thu");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << hash;
  EXPECT_EQ(stored_bytes(file).find(kPassword), std::string::npos);
}

TEST(ConsoleAccounts, ANewPasswordReplacesTheOld) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  store.add("van-thu", Role::viewer, kPassword, kAdmin);
  store.set_password("van-thu", "một mật khẩu mới", kAdmin);
  EXPECT_FALSE(store.check_password("van-thu", kPassword));
  EXPECT_TRUE(store.check_password("van-thu", "một mật khẩu mới"));
  EXPECT_THROW(store.set_password("ke-toan", kPassword, kAdmin), std::invalid_argument);
}

TEST(ConsoleAccounts, AnUnknownNameTakesAsLongToRefuseAsAWrongPassword) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  store.add("van-thu", Role::viewer, kPassword, kAdmin);
  const double wrong_password = seconds_to_check(store, "van-thu");
  const double unknown_name = seconds_to_check(store, "ke-toan");
  // Both run Argon2id; without the dummy hash the unknown name returns in microseconds.
  EXPECT_GT(unknown_name, wrong_password / 4) << unknown_name << " s against " << wrong_password;
}

TEST(ConsoleAccounts, ATokenWorksFromIssueUntilRevokedOrItsAccountRemoved) {
  ScratchDir dir;
  const auto file = dir.path() / "console.sqlite3";
  AccountStore store(file);
  store.add("bao-cao", Role::editor, kPassword, kAdmin);
  store.add("chu-tich", Role::admin, kPassword, kAdmin);
  const std::string token = store.issue_token("bao-cao", kAdmin);
  EXPECT_TRUE(std::regex_match(token, std::regex("bt_[A-Za-z0-9_-]{43}"))) << token;
  EXPECT_EQ(store.check_token(token), (Account{"bao-cao", Role::editor}));
  EXPECT_NE(store.issue_token("bao-cao", kAdmin), token);
  std::string forged = token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(store.check_token(forged));
  EXPECT_FALSE(store.check_token(""));
  EXPECT_FALSE(store.check_token(token.substr(3)));
  EXPECT_EQ(stored_bytes(file).find(token.substr(3)), std::string::npos);

  // A role change applies to the token at once.
  store.set_role("bao-cao", Role::viewer, kAdmin);
  EXPECT_EQ(store.check_token(token), (Account{"bao-cao", Role::viewer}));

  EXPECT_EQ(store.revoke_tokens("bao-cao", kAdmin), 2u);
  EXPECT_FALSE(store.check_token(token));

  const std::string second = store.issue_token("bao-cao", kAdmin);
  EXPECT_TRUE(store.check_token(second));
  store.remove("bao-cao", kAdmin);
  EXPECT_FALSE(store.check_token(second));
  // A new account of the same name does not inherit the old one's tokens.
  store.add("bao-cao", Role::admin, kPassword, kAdmin);
  EXPECT_FALSE(store.check_token(second));
  EXPECT_THROW(store.issue_token("ke-toan", kAdmin), std::invalid_argument);
}

TEST(ConsoleAccounts, NamesThatCouldMisleadALogOrAUrlAreRefused) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  for (const std::string& name :
       {std::string(""), std::string(33, 'a'), std::string("../x"), std::string("a/b"),
        std::string("a b"), std::string("a\nb"), std::string("a\tb"), std::string("\x01") + "a",
        std::string("a\0b", 3), std::string("Admin"), std::string("-a"), std::string(".a"),
        std::string("_a"), std::string("nguy\u1EC5n"), std::string("a\xff"), std::string("a%2f")}) {
    EXPECT_TRUE(account_name_problem(name)) << name;
    try {
      store.add(name, Role::admin, kPassword, kAdmin);
      ADD_FAILURE() << "accepted \"" << name << '"';
    } catch (const std::invalid_argument& refused) {
      EXPECT_NE(std::string(refused.what()).find("1 to 32 of a-z, 0-9"), std::string::npos);
    }
  }
  for (const std::string& name :
       {std::string("a"), std::string(32, 'z'), std::string("nguyen.van-a_1"), std::string("0a")})
    EXPECT_FALSE(account_name_problem(name)) << name;
  EXPECT_TRUE(store.list().empty());
}

TEST(ConsoleAccounts, WeakOrMalformedPasswordsAreRefusedSayingWhy) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  try {
    store.add("van-thu", Role::viewer, "123456789", kAdmin);
    ADD_FAILURE() << "a 9-character password was accepted";
  } catch (const std::invalid_argument& refused) {
    EXPECT_NE(std::string(refused.what()).find("at least 10 characters"), std::string::npos);
  }
  EXPECT_TRUE(store.list().empty());

  EXPECT_TRUE(password_problem(""));
  EXPECT_TRUE(password_problem("mật khẩu"));  // 8 characters in 11 bytes
  EXPECT_TRUE(password_problem(std::string(1025, 'a')));
  EXPECT_TRUE(password_problem("0123456789\xff"));
  EXPECT_TRUE(password_problem("0123456789\xc3"));  // a letter cut in two
  EXPECT_TRUE(password_problem("0123456789\n"));
  EXPECT_TRUE(password_problem("01234\t56789"));
  EXPECT_TRUE(
      password_problem(std::string("01234\0"
                                   "56789",
                                   11)));
  EXPECT_TRUE(password_problem("0123456789\x7f"));
  EXPECT_TRUE(password_problem("0123456789\u0085"));  // C1 next line
  EXPECT_NE(password_problem(std::string(1025, 'a'))->find("1024 bytes"), std::string::npos);

  EXPECT_FALSE(password_problem("0123456789"));
  EXPECT_FALSE(password_problem("ậậậậậậậậậậ"));  // 10 characters, 30 bytes
  EXPECT_FALSE(password_problem(std::string(1024, 'a')));
  EXPECT_FALSE(password_problem("một câu dài có dấu cách"));
}

TEST(ConsoleAccounts, ANameCannotBeTakenTwice) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  store.add("van-thu", Role::viewer, kPassword, kAdmin);
  try {
    store.add("van-thu", Role::admin, "another password", kAdmin);
    ADD_FAILURE() << "the name was taken twice";
  } catch (const std::invalid_argument& refused) {
    EXPECT_NE(std::string(refused.what()).find("already exists"), std::string::npos);
  }
  EXPECT_EQ(store.list(), (std::vector<Account>{{"van-thu", Role::viewer}}));
}

TEST(ConsoleAccounts, TheLastAdminCannotBeDemotedOrRemoved) {
  ScratchDir dir;
  AccountStore store(dir.path() / "console.sqlite3");
  store.add("chu-tich", Role::admin, kPassword, kAdmin);
  EXPECT_THROW(store.set_role("chu-tich", Role::editor, kAdmin), std::invalid_argument);
  EXPECT_THROW(store.remove("chu-tich", kAdmin), std::invalid_argument);
  store.add("pho-chu-tich", Role::admin, kPassword, kAdmin);
  store.set_role("chu-tich", Role::editor, kAdmin);
  EXPECT_THROW(store.remove("pho-chu-tich", kAdmin), std::invalid_argument);
  store.remove("chu-tich", kAdmin);
  EXPECT_EQ(store.list(), (std::vector<Account>{{"pho-chu-tich", Role::admin}}));
}

TEST(ConsoleAccounts, TheDaemonSeesWhatTheCommandLineChangesAndTheOtherWayRound) {
  ScratchDir dir;
  const auto file = dir.path() / "state/console.sqlite3";
  AccountStore daemon(file);
  AccountStore command_line(file);
  command_line.add("van-thu", Role::editor, kPassword, kAdmin);
  EXPECT_EQ(daemon.list(), (std::vector<Account>{{"van-thu", Role::editor}}));
  EXPECT_TRUE(daemon.check_password("van-thu", kPassword));
  const std::string token = command_line.issue_token("van-thu", kAdmin);
  EXPECT_TRUE(daemon.check_token(token));
  daemon.record(AuditEntry{"", "van-thu", "192.0.2.7", "playlist.save", "cchc-2026", "a", "b"});
  EXPECT_EQ(command_line.audit(1).at(0).action, "playlist.save");

  command_line.remove("van-thu", kAdmin);
  EXPECT_FALSE(daemon.check_token(token));
  EXPECT_FALSE(daemon.find("van-thu"));
}

TEST(ConsoleAccounts, TheAuditTellsWhoChangedWhatAndOutlivesTheAccount) {
  ScratchDir dir;
  const auto file = dir.path() / "console.sqlite3";
  AccountStore store(file);
  const Actor console{"chu-tich", "192.0.2.7"};
  store.add("chu-tich", Role::admin, kPassword, kAdmin);
  store.add("van-thu", Role::viewer, kPassword, console);
  store.set_role("van-thu", Role::editor, console);
  const std::string token = store.issue_token("van-thu", console);
  store.record(AuditEntry{"", "van-thu", "192.0.2.8", "playlist.save", "cchc-2026", "items: []\n",
                          "items: [{id: a}]\n"});
  store.remove("van-thu", console);

  const auto entries = store.audit(10);
  ASSERT_EQ(actions(entries),
            (std::vector<std::string>{"user.remove van-thu", "playlist.save cchc-2026",
                                      "user.token van-thu", "user.role van-thu", "user.add van-thu",
                                      "user.add chu-tich"}));
  EXPECT_EQ(store.audit_size(), 6u);
  const AuditEntry& role = entries[3];
  EXPECT_EQ(role.actor, "chu-tich");
  EXPECT_EQ(role.address, "192.0.2.7");
  EXPECT_EQ(role.before, "role=viewer");
  EXPECT_EQ(role.after, "role=editor");
  EXPECT_TRUE(std::regex_match(role.at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << role.at;
  EXPECT_EQ(entries[1].after, "items: [{id: a}]\n");
  EXPECT_EQ(actions(store.audit(2, 1)),
            (std::vector<std::string>{"playlist.save cchc-2026", "user.token van-thu"}));

  store.record(
      AuditEntry{"2026-11-24T01:00:00Z", "x", "local", "config.save", "bangtin.yaml", "", ""});
  EXPECT_EQ(store.audit(1).at(0).at, "2026-11-24T01:00:00Z");
  for (const AuditEntry& entry : store.audit(100)) {
    for (const std::string& field : {entry.before, entry.after}) {
      EXPECT_EQ(field.find(kPassword), std::string::npos);
      EXPECT_EQ(field.find(token.substr(3)), std::string::npos);
    }
  }
}

TEST(ConsoleAccounts, AFileThatCannotBeOpenedIsNamed) {
  try {
    AccountStore store("/proc/bangtin/console.sqlite3");
    FAIL() << "opened a store under /proc";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/proc/bangtin/console.sqlite3"), std::string::npos)
        << error.what();
  }
}

TEST(ConsoleAccounts, RolesReadAsTheyAreWritten) {
  for (Role role : {Role::viewer, Role::editor, Role::admin})
    EXPECT_EQ(role_from(to_string(role)), role);
  EXPECT_FALSE(role_from("Admin"));
  EXPECT_FALSE(role_from(""));
}

// `bangtin user`, as an administrator runs it on the controller: a copy of the example config,
// whose state folder is beside it.
class BangtinUser : public ::testing::Test {
 protected:
  BangtinUser() {
    const std::filesystem::path source = BANGTIN_SOURCE_DIR;
    std::filesystem::copy_file(source / "examples/bangtin.yaml", dir_.path() / "bangtin.yaml");
    std::filesystem::copy(source / "examples/playlists", dir_.path() / "playlists");
  }
  // `bangtin user ARGUMENTS --config CONFIG < STDIN`, stdout and stderr together.
  ProgramRun run(const std::string& arguments, const std::string& stdin_text = "") const {
    const auto input = dir_.write("stdin.txt", stdin_text);
    const std::filesystem::path tool =
        std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";
    return run_program(tool.string() + " user " + arguments + " --config " +
                       (dir_.path() / "bangtin.yaml").string() + " < " + input.string() + " 2>&1");
  }
  std::filesystem::path database() const { return dir_.path() / "state/console.sqlite3"; }

  ScratchDir dir_;
};

TEST_F(BangtinUser, AddReadsThePasswordFromStdinAndListShowsTheAccountWithItsRole) {
  const ProgramRun added = run("add van-thu --role editor", kPassword + "\n");
  EXPECT_EQ(added.exit_code, 0) << added.output;
  EXPECT_EQ(added.output.find(kPassword), std::string::npos) << added.output;
  const ProgramRun listed = run("list");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(std::regex_search(listed.output, std::regex("van-thu +editor\n"))) << listed.output;

  const AccountStore store(database());
  EXPECT_TRUE(store.check_password("van-thu", kPassword));
  const AuditEntry added_entry = store.audit(1).at(0);
  EXPECT_EQ(added_entry.action, "user.add");
  EXPECT_EQ(added_entry.address, "local");
  EXPECT_FALSE(added_entry.actor.empty());
}

TEST_F(BangtinUser, APasswordGivenAsAnArgumentIsRefusedAsBadUsage) {
  for (const char* arguments :
       {"add van-thu --role editor 0123456789abc",
        "add van-thu --role editor --password 0123456789abc", "passwd van-thu 0123456789abc"}) {
    const ProgramRun refused = run(arguments, kPassword + "\n");
    EXPECT_EQ(refused.exit_code, 2) << arguments << '\n' << refused.output;
    EXPECT_NE(refused.output.find("never an argument"), std::string::npos) << refused.output;
    EXPECT_EQ(refused.output.find("0123456789abc"), std::string::npos) << refused.output;
  }
  EXPECT_FALSE(std::filesystem::exists(database()));
}

TEST_F(BangtinUser, RefusedChangesExitOneSayingWhyAndBadUsageExitsTwo) {
  ASSERT_EQ(run("add chu-tich --role admin", kPassword + "\n").exit_code, 0);
  const ProgramRun weak = run("add van-thu --role editor", "123456789\n");
  EXPECT_EQ(weak.exit_code, 1) << weak.output;
  EXPECT_NE(weak.output.find("at least 10 characters"), std::string::npos) << weak.output;
  const ProgramRun taken = run("add chu-tich --role viewer", kPassword + "\n");
  EXPECT_EQ(taken.exit_code, 1) << taken.output;
  const ProgramRun bad_name = run("add ../x --role viewer", kPassword + "\n");
  EXPECT_EQ(bad_name.exit_code, 1) << bad_name.output;
  const ProgramRun no_password = run("add van-thu --role viewer", "");
  EXPECT_EQ(no_password.exit_code, 1) << no_password.output;
  const ProgramRun last_admin = run("remove chu-tich");
  EXPECT_EQ(last_admin.exit_code, 1) << last_admin.output;
  EXPECT_NE(last_admin.output.find("only admin"), std::string::npos) << last_admin.output;

  EXPECT_EQ(run("add van-thu", kPassword + "\n").exit_code, 2);
  EXPECT_EQ(run("add van-thu --role boss", kPassword + "\n").exit_code, 2);
  EXPECT_EQ(run("rename chu-tich").exit_code, 2);
  EXPECT_EQ(run("list chu-tich").exit_code, 2);
  EXPECT_EQ(run("remove").exit_code, 2);
  EXPECT_EQ(AccountStore(database()).list(), (std::vector<Account>{{"chu-tich", Role::admin}}));
}

TEST_F(BangtinUser, TokenPrintsATokenTheConsoleAcceptsUntilRevoked) {
  ASSERT_EQ(run("add bao-cao --role viewer", kPassword + "\n").exit_code, 0);
  const std::filesystem::path tool =
      std::filesystem::path(BANGTIN_BINARY_DIR) / "controller/bangtin";
  // stdout alone: what a script keeps.
  const ProgramRun issued = run_program(tool.string() + " user token bao-cao --config " +
                                        (dir_.path() / "bangtin.yaml").string() + " 2>/dev/null");
  ASSERT_EQ(issued.exit_code, 0) << issued.output;
  ASSERT_FALSE(issued.output.empty());
  const std::string token = issued.output.substr(0, issued.output.size() - 1);
  const AccountStore store(database());
  EXPECT_EQ(store.check_token(token), (Account{"bao-cao", Role::viewer}));

  const ProgramRun revoked = run("token bao-cao --revoke");
  EXPECT_EQ(revoked.exit_code, 0) << revoked.output;
  EXPECT_NE(revoked.output.find("1 token(s)"), std::string::npos) << revoked.output;
  EXPECT_FALSE(store.check_token(token));
}

TEST_F(BangtinUser, PasswdRoleAndRemoveChangeTheAccount) {
  ASSERT_EQ(run("add chu-tich --role admin", kPassword + "\n").exit_code, 0);
  ASSERT_EQ(run("add van-thu --role viewer", kPassword + "\n").exit_code, 0);
  EXPECT_EQ(run("passwd van-thu", "một mật khẩu mới\n").exit_code, 0);
  EXPECT_EQ(run("passwd ke-toan", "một mật khẩu mới\n").exit_code, 1);
  EXPECT_EQ(run("role van-thu --role editor").exit_code, 0);
  const AccountStore store(database());
  EXPECT_EQ(store.check_password("van-thu", "một mật khẩu mới"),
            (Account{"van-thu", Role::editor}));
  EXPECT_EQ(run("remove van-thu").exit_code, 0);
  EXPECT_FALSE(store.find("van-thu"));
  EXPECT_EQ(actions(store.audit(3)),
            (std::vector<std::string>{"user.remove van-thu", "user.role van-thu",
                                      "user.passwd van-thu"}));
}

TEST_F(BangtinUser, ListBeforeAnyAccountSaysHowToAddOne) {
  const ProgramRun listed = run("list");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("bangtin user add NAME --role admin"), std::string::npos)
      << listed.output;
  EXPECT_FALSE(std::filesystem::exists(database()));
}
